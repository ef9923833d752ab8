//! The JSON schemas Glance publishes for its resources.

use serde_json::Value;

use crate::client::Client;
use crate::error::Result;
use crate::transport::Call;

/// Which schema to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaName {
    /// `/v2/schemas/images`: an image listing.
    Images,
    /// `/v2/schemas/image`: one image (custom properties are strings).
    Image,
    /// `/v2/schemas/members`: a member listing.
    Members,
    /// `/v2/schemas/member`: one member.
    Member,
    /// `/v2/schemas/tasks`: a task listing.
    Tasks,
    /// `/v2/schemas/task`: one task.
    Task,
}

impl SchemaName {
    /// Every schema, in the order above.
    pub const ALL: [SchemaName; 6] = [
        SchemaName::Images,
        SchemaName::Image,
        SchemaName::Members,
        SchemaName::Member,
        SchemaName::Tasks,
        SchemaName::Task,
    ];

    /// The name as it appears in the path (`image`, `members`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaName::Images => "images",
            SchemaName::Image => "image",
            SchemaName::Members => "members",
            SchemaName::Member => "member",
            SchemaName::Tasks => "tasks",
            SchemaName::Task => "task",
        }
    }
}

impl Client {
    /// A schema, as the JSON document the server sends.
    pub fn get_schema(&self, name: SchemaName) -> Result<Value> {
        self.transport()
            .json(Call::get(format!("/v2/schemas/{}", name.as_str())))
    }
}
