//! `task list`, `task show`.

use glance_client::{
    tasks::{Task, TaskListOptions, TaskStatus, TaskType},
    Client, SortDir,
};
use serde_json::Value;

use crate::cli::{FormatOptions, SortDirArg, TaskListArgs, TaskShowArgs};
use crate::failure::Failure;
use crate::output::{print_listing, print_record, Listing, Record};

pub fn list(client: &Client, args: &TaskListArgs, format: &FormatOptions) -> Result<(), Failure> {
    let options = TaskListOptions {
        limit: args.limit,
        marker: args.marker.clone(),
        task_type: args.task_type.as_deref().map(TaskType::from),
        status: args.status.as_deref().map(TaskStatus::from),
        sort_key: args.sort_key.clone(),
        sort_dir: args.sort_dir.map(|d| match d {
            SortDirArg::Asc => SortDir::Asc,
            SortDirArg::Desc => SortDir::Desc,
        }),
    };
    // As `openstack image task list`: --limit shows one page, else every page.
    let tasks: Vec<Task> = if args.limit.is_some() {
        client.list_tasks(&options)?.tasks
    } else {
        client.tasks(&options).collect::<Result<_, _>>()?
    };
    let listing = Listing {
        columns: vec!["ID", "Type", "Status", "Owner"],
        rows: tasks
            .iter()
            .map(|t| {
                vec![
                    Value::from(t.id.as_str()),
                    Value::from(t.task_type.as_str()),
                    Value::from(t.status.as_str()),
                    t.owner.as_deref().map_or(Value::Null, Value::from),
                ]
            })
            .collect(),
    };
    print_listing(&listing, format)
}

pub fn show(client: &Client, args: &TaskShowArgs, format: &FormatOptions) -> Result<(), Failure> {
    let task = client.get_task(&args.task)?;
    let Ok(Value::Object(fields)) = serde_json::to_value(&task) else {
        return Err(Failure::local("the task cannot be shown"));
    };
    let fields = fields
        .into_iter()
        .filter(|(key, value)| !value.is_null() && key != "self" && key != "schema")
        .collect();
    print_record(&Record::new(fields), format)
}
