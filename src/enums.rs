//! Closed sets of values the API uses, each tolerant of values servers add later.

use std::fmt;

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this library does not know yet, kept as the server sent it.
            Other(String),
        }

        impl $name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $( $text => $name::$variant, )+
                    _ => $name::Other(s),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::from(s.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// The life-cycle state of an image.
    ImageStatus {
        /// Record created, no data yet.
        Queued => "queued",
        /// Data being uploaded.
        Saving => "saving",
        /// Ready for use.
        Active => "active",
        /// Upload failed.
        Killed => "killed",
        /// Deleted (seen only with delayed delete).
        Deleted => "deleted",
        /// Deletion scheduled.
        PendingDelete => "pending_delete",
        /// Data download disabled by the owner or an admin.
        Deactivated => "deactivated",
        /// Data staged for import.
        Uploading => "uploading",
        /// Import in progress.
        Importing => "importing",
    }
}

open_enum! {
    /// Who can see an image.
    Visibility {
        /// Every project.
        Public => "public",
        /// The owner only.
        Private => "private",
        /// The owner and the projects it is shared with.
        Shared => "shared",
        /// Every project can use it, listed only on request.
        Community => "community",
    }
}

open_enum! {
    /// A member's answer to an image shared with it.
    MemberStatus {
        /// Not answered yet.
        Pending => "pending",
        /// Accepted: the image appears in the member's listings.
        Accepted => "accepted",
        /// Rejected.
        Rejected => "rejected",
    }
}

open_enum! {
    /// The state of an asynchronous task.
    TaskStatus {
        /// Accepted, not started.
        Pending => "pending",
        /// Running.
        Processing => "processing",
        /// Finished well; `result` holds what it made.
        Success => "success",
        /// Finished badly; `message` says why.
        Failure => "failure",
    }
}

open_enum! {
    /// The kind of an asynchronous task.
    TaskType {
        /// Create an image from data elsewhere: a URL (upstream Glance, admin
        /// only) or a `container/object` in object storage (Rackspace).
        Import => "import",
        /// Copy an image's data into an object-storage container (Rackspace).
        Export => "export",
        /// The task behind an interoperable image import (`/v2/images/{id}/import`).
        ApiImageImport => "api_image_import",
        /// The task behind adding a location to an image.
        LocationImport => "location_import",
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortDir {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

impl SortDir {
    /// `asc` or `desc`.
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }
}

impl std::str::FromStr for SortDir {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> crate::error::Result<Self> {
        match s {
            "asc" => Ok(SortDir::Asc),
            "desc" => Ok(SortDir::Desc),
            _ => Err(crate::error::Error::invalid_argument(format!(
                "sort direction must be 'asc' or 'desc', not '{s}'"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_survive_a_round_trip() {
        let s: ImageStatus = serde_json::from_str("\"quarantined\"").unwrap();
        assert_eq!(s, ImageStatus::Other("quarantined".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"quarantined\"");
        let v: Visibility = serde_json::from_str("\"community\"").unwrap();
        assert_eq!(v, Visibility::Community);
    }

    #[test]
    fn sort_dir_parses_strictly() {
        assert_eq!("desc".parse::<SortDir>().unwrap(), SortDir::Desc);
        assert!("DESC".parse::<SortDir>().is_err());
        assert!("up".parse::<SortDir>().is_err());
    }
}
