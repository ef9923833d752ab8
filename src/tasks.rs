//! Asynchronous tasks: list, get, create, and wait until they finish.
//!
//! Upstream Glance runs `import` tasks from a URL (admin only by default
//! policy); Rackspace Cloud Images ran `import` and `export` tasks against
//! object-storage containers, which is what pyrax sends (see
//! [`Client::create_rackspace_export_task`] and [`Client::create_rackspace_import_task`]).

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ureq::http::Method;

use crate::auth::Service;
use crate::client::Client;
use crate::enums::SortDir;
use crate::error::{Error, Failure, Result};
use crate::images::check_id;
use crate::object_store::{check_container, check_object, ObjectStore};
use crate::paging::{first_page, page_at, Page, Pager};
use crate::server_values;
use crate::transport::{Call, Payload};
use crate::url::{encode, Query};

pub use crate::enums::{TaskStatus, TaskType};

/// A task as the server describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The task id. Never holds a NUL byte: a record whose id does is the
    /// server's invalid response.
    #[serde(deserialize_with = "server_values::c_string")]
    pub id: String,
    /// What the task does.
    #[serde(rename = "type")]
    pub task_type: TaskType,
    /// Where it is in its life.
    pub status: TaskStatus,
    /// The parameters it was created with (absent from listings).
    #[serde(default)]
    pub input: Option<Value>,
    /// What it produced, e.g. `{"image_id": ...}` (absent from listings).
    #[serde(default)]
    pub result: Option<Value>,
    /// Why it failed; empty or absent otherwise.
    #[serde(default)]
    pub message: Option<String>,
    /// The project that created it.
    #[serde(default)]
    pub owner: Option<String>,
    /// When the server will forget the finished task, ISO 8601.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Creation time, ISO 8601.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last update time, ISO 8601.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Every other field, as sent (`image_id`, `request_id`, `user_id`, `self`, ...).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl Task {
    /// True once the task has succeeded or failed.
    pub fn is_finished(&self) -> bool {
        matches!(self.status, TaskStatus::Success | TaskStatus::Failure)
    }

    /// The image the task made or worked on: `result.image_id`, else the
    /// task's own `image_id` field.
    pub fn image_id(&self) -> Option<&str> {
        self.result
            .as_ref()
            .and_then(|r| r.get("image_id"))
            .or_else(|| self.other.get("image_id"))
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
    }

    fn failure(&self) -> Error {
        Error::TaskFailed {
            task_id: self.id.clone(),
            task_type: self.task_type.to_string(),
            message: self.message.clone().unwrap_or_default(),
        }
    }
}

/// Filters, sorting and paging of a task listing. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskListOptions {
    /// Page size (1 or more).
    pub limit: Option<u32>,
    /// Start after the task with this id.
    pub marker: Option<String>,
    /// Tasks of this type only.
    pub task_type: Option<TaskType>,
    /// Tasks in this status only.
    pub status: Option<TaskStatus>,
    /// Sort key (`created_at` by default on the server; `id`, `type`,
    /// `status`, `updated_at`, ...).
    pub sort_key: Option<String>,
    /// Sort direction (descending by default on the server).
    pub sort_dir: Option<SortDir>,
}

impl TaskListOptions {
    fn to_query(&self) -> Result<Query> {
        let mut q = Query::default();
        if let Some(limit) = self.limit {
            if limit == 0 {
                return Err(Error::invalid_argument("'limit' must be at least 1"));
            }
            q.push("limit", &limit.to_string());
        }
        let text = [
            ("marker", self.marker.as_deref()),
            ("type", self.task_type.as_ref().map(TaskType::as_str)),
            ("status", self.status.as_ref().map(TaskStatus::as_str)),
            ("sort_key", self.sort_key.as_deref()),
        ];
        for (field, value) in text {
            match value {
                Some("") => {
                    return Err(Error::invalid_argument(format!(
                        "'{field}' must not be empty"
                    )))
                }
                Some(value) => q.push(field, value),
                None => {}
            }
        }
        if let Some(dir) = self.sort_dir {
            q.push("sort_dir", dir.as_str());
        }
        Ok(q)
    }
}

/// One page of a task listing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TaskPage {
    /// The tasks of this page (without `input`, `result` and `message`: get
    /// a task for those).
    pub tasks: Vec<Task>,
    /// The link to the next page, as the server gave it; absent on the last page.
    /// A link holding a NUL byte makes the page an invalid response.
    #[serde(default, deserialize_with = "server_values::optional_c_string")]
    pub next: Option<String>,
    /// The link to the first page.
    #[serde(default, deserialize_with = "server_values::optional_c_string")]
    pub first: Option<String>,
}

impl Page for TaskPage {
    type Record = Task;
    const ID: fn(&Task) -> &str = |task| &task.id;

    fn into_parts(self) -> (Vec<Task>, Option<String>, Option<String>) {
        (self.tasks, self.next, self.first)
    }
}

/// Iterator over all tasks of a listing; fetches a page when the previous one
/// is used up. Stops after the first error.
pub type TaskIter = Pager<TaskPage>;

/// A task to create: its type and its input, sent as given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewTask {
    /// The task type.
    #[serde(rename = "type")]
    pub task_type: TaskType,
    /// The task's input document.
    pub input: Value,
}

/// An upstream Glance `import` task: the server fetches `import_from` and
/// makes an image of it with `image_properties`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrlImportTask {
    /// Where the data is, e.g. `https://host/image.qcow2` (the server decides
    /// which schemes, hosts and ports it accepts).
    pub import_from: String,
    /// The data's disk format, e.g. `raw` or `qcow2`.
    pub import_from_format: String,
    /// The new image's fields: `name`, `disk_format` and `container_format`
    /// at least (Glance fails the task without the formats), and any custom
    /// properties (strings).
    pub image_properties: BTreeMap<String, Value>,
}

/// A Rackspace `import` task: an image made from an object in a container,
/// as pyrax's `import_task` sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RackspaceImportTask {
    /// The container holding the object.
    pub container: String,
    /// The object's name.
    pub object: String,
    /// The new image's name; default: the object's name, as pyrax does.
    pub image_name: Option<String>,
    /// The object's disk format, sent as given; default `vhd`.
    pub format: Option<String>,
}

/// A callback that sees each poll of [`Client::wait_for_task`]; returning
/// `ControlFlow::Break(())` stops the wait with [`Error::Aborted`] (the task
/// itself goes on).
pub type TaskWaitFn<'a> = dyn FnMut(&Task) -> ControlFlow<()> + 'a;

/// How [`Client::wait_for_task`] polls: the same shape as
/// [`crate::import::ImportWait`].
pub struct TaskWait<'a> {
    /// Time between two polls (more than zero). Default 2 s.
    pub interval: Duration,
    /// Give up after this long with [`Error::Timeout`]; `None` waits as long
    /// as the task takes. Default `None`.
    pub timeout: Option<Duration>,
    /// Called after each poll.
    pub on_poll: Option<&'a mut TaskWaitFn<'a>>,
}

impl Default for TaskWait<'_> {
    fn default() -> Self {
        TaskWait {
            interval: Duration::from_secs(2),
            timeout: None,
            on_poll: None,
        }
    }
}

impl std::fmt::Debug for TaskWait<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskWait")
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("on_poll", &self.on_poll.is_some())
            .finish()
    }
}

/// A JSON object given as text, the form C gives a task's input in; `name`
/// is the argument's name.
pub(crate) fn json_object(text: &str, name: &str) -> Result<serde_json::Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::invalid_argument(format!(
            "'{name}' is not a JSON object"
        ))),
        Err(e) => Err(Error::invalid_argument(format!(
            "'{name}' is not JSON: {e}"
        ))),
    }
}

pub(crate) fn task_path(id: &str) -> Result<String> {
    check_id("task id", id)?;
    Ok(format!("/v2/tasks/{}", encode(id)))
}

impl Client {
    /// One page of tasks.
    pub fn list_tasks(&self, options: &TaskListOptions) -> Result<TaskPage> {
        first_page(self, options.to_query()?.append_to("/v2/tasks"))
    }

    /// The page a `next` link names (relative, as Glance returns it).
    pub fn list_tasks_at(&self, link: &str) -> Result<TaskPage> {
        page_at(self, link)
    }

    /// A lazy iterator over every task matching `options`, page after page,
    /// following the server's `next` links until there are none.
    ///
    /// A server that leads it back to a page already read (the same link, or
    /// a page holding a task already listed: a marker that did not advance)
    /// ends it with [`Error::InvalidResponse`] instead of listing for ever.
    pub fn tasks(&self, options: &TaskListOptions) -> TaskIter {
        let first = options.to_query().map(|q| q.append_to("/v2/tasks"));
        Pager::new("TaskIter", self, first)
    }

    /// The task with this id, `input`, `result` and `message` included.
    pub fn get_task(&self, id: &str) -> Result<Task> {
        self.transport().json(Call::get(task_path(id)?))
    }

    /// Creates a task of any type with the input as given.
    pub fn create_task(&self, task: &NewTask) -> Result<Task> {
        if !task.input.is_object() {
            return Err(Error::invalid_argument(
                "a task's input must be a JSON object",
            ));
        }
        let call =
            Call::new(Method::POST, Service::Image, "/v2/tasks").payload(Payload::json(task)?);
        self.transport().json(call)
    }

    /// Creates an upstream `import` task: the server downloads
    /// `import_from` into a new image (admin only under Glance's default policy).
    pub fn create_url_import_task(&self, import: &UrlImportTask) -> Result<Task> {
        let scheme_ends = import.import_from.find("://");
        if !scheme_ends.is_some_and(|i| i > 0 && import.import_from.len() > i + 3) {
            return Err(Error::invalid_argument(format!(
                "import_from must be a URL, not '{}'",
                import.import_from.escape_default()
            )));
        }
        if import.import_from_format.is_empty() {
            return Err(Error::invalid_argument(
                "import_from_format must not be empty",
            ));
        }
        let input = serde_json::to_value(import)
            .map_err(|e| Error::invalid_argument(format!("import task input: {e}")))?;
        self.create_task(&NewTask {
            task_type: TaskType::Import,
            input,
        })
    }

    /// Creates a Rackspace `export` task copying the image into `container`,
    /// exactly as pyrax does: first a check that the container exists in
    /// `store` ([`Error::NoSuchContainer`] before any task is made), then
    /// `{"type": "export", "input": {"image_uuid": .., "receiving_swift_container": ..}}`.
    pub fn create_rackspace_export_task(
        &self,
        store: &ObjectStore,
        image_id: &str,
        container: &str,
    ) -> Result<Task> {
        check_id("image id", image_id)?;
        check_container(container)?;
        store.require_container(container)?;
        self.create_task(&NewTask {
            task_type: TaskType::Export,
            input: serde_json::json!({
                "image_uuid": image_id,
                "receiving_swift_container": container,
            }),
        })
    }

    /// Creates a Rackspace `import` task making an image of an object,
    /// exactly as pyrax does: first a check that the container exists in
    /// `store` ([`Error::NoSuchContainer`] before any task is made), then
    /// `{"type": "import", "input": {"image_properties": {"name": ..},
    /// "import_from": "<container>/<object>", "import_from_format": ..}}`.
    pub fn create_rackspace_import_task(
        &self,
        store: &ObjectStore,
        import: &RackspaceImportTask,
    ) -> Result<Task> {
        check_container(&import.container)?;
        check_object(&import.object)?;
        if import.image_name.as_deref() == Some("") || import.format.as_deref() == Some("") {
            return Err(Error::invalid_argument(
                "image_name and format must not be empty when given",
            ));
        }
        store.require_container(&import.container)?;
        self.create_task(&NewTask {
            task_type: TaskType::Import,
            input: serde_json::json!({
                "image_properties": {
                    "name": import.image_name.as_deref().unwrap_or(&import.object),
                },
                "import_from": format!("{}/{}", import.container, import.object),
                "import_from_format": import.format.as_deref().unwrap_or("vhd"),
            }),
        })
    }

    /// Polls the task every `wait.interval` until it succeeds (its final
    /// state is returned) or fails ([`Error::TaskFailed`] with the task's
    /// message). `wait.on_poll` sees the task after every poll; returning
    /// `ControlFlow::Break(())` stops the wait with [`Error::Aborted`]. After
    /// `wait.timeout`, [`Error::Timeout`]. Either way the task itself goes on.
    pub fn wait_for_task(&self, id: &str, mut wait: TaskWait<'_>) -> Result<Task> {
        let path = task_path(id)?;
        if wait.interval.is_zero() {
            return Err(Error::invalid_argument(
                "the poll interval must be more than zero",
            ));
        }
        let started = Instant::now();
        loop {
            let task: Task = self.transport().json(Call::get(path.clone()))?;
            if wait.on_poll.as_mut().is_some_and(|f| f(&task).is_break()) {
                return Err(Error::Aborted);
            }
            match task.status {
                TaskStatus::Success => return Ok(task),
                TaskStatus::Failure => return Err(task.failure()),
                _ => {}
            }
            let mut pause = wait.interval;
            if let Some(limit) = wait.timeout {
                let left = limit.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(Error::Timeout(Box::new(Failure {
                        method: "GET".into(),
                        path,
                        message: format!(
                            "task still '{}' after {:.1} s of waiting",
                            task.status,
                            limit.as_secs_f64()
                        ),
                        request_id: None,
                    })));
                }
                pause = pause.min(left);
            }
            std::thread::sleep(pause);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_options_become_the_query() {
        let options = TaskListOptions {
            limit: Some(3),
            marker: Some("m 1".into()),
            task_type: Some(TaskType::Import),
            status: Some(TaskStatus::Success),
            sort_key: Some("updated_at".into()),
            sort_dir: Some(SortDir::Asc),
        };
        assert_eq!(
            options.to_query().unwrap().append_to("/v2/tasks"),
            "/v2/tasks?limit=3&marker=m%201&type=import&status=success&sort_key=updated_at&sort_dir=asc"
        );
        let empty = TaskListOptions {
            marker: Some(String::new()),
            ..Default::default()
        };
        assert!(empty.to_query().is_err());
        let zero = TaskListOptions {
            limit: Some(0),
            ..Default::default()
        };
        assert!(zero.to_query().is_err());
    }

    #[test]
    fn a_listed_task_decodes_and_keeps_unknown_fields() {
        let task: Task = serde_json::from_str(
            r#"{"id":"t1","type":"api_image_import","status":"quarantined","owner":"o",
                "created_at":"c","updated_at":"u","self":"/v2/tasks/t1","image_id":"i9"}"#,
        )
        .unwrap();
        assert_eq!(task.task_type, TaskType::ApiImageImport);
        assert_eq!(task.status, TaskStatus::Other("quarantined".into()));
        assert!(!task.is_finished());
        assert_eq!(task.image_id(), Some("i9"));
        assert_eq!(task.other["self"], "/v2/tasks/t1");
    }

    #[test]
    fn the_result_names_the_image() {
        let task: Task = serde_json::from_str(
            r#"{"id":"t1","type":"import","status":"success","result":{"image_id":"i1"},"message":""}"#,
        )
        .unwrap();
        assert!(task.is_finished());
        assert_eq!(task.image_id(), Some("i1"));
    }
}
