//! The temporary file a download to a path fills before renaming it to its
//! final name.
//!
//! It sits beside the target, often in a directory others can write (`/tmp`,
//! a shared download folder), under a name anyone can guess. So it is never
//! reached through a symbolic link, and an existing one is used only when it
//! can be a file this library made: a regular file with a single link, owned
//! by the user running the download. Anything else at that name is refused,
//! never truncated, followed or written through. A new one is created
//! exclusively (`O_CREAT | O_EXCL`), with the permissions of the file it will
//! replace, else owner-only (0600), so a private target never becomes readable
//! by others while it is rewritten.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::error::{Error, Result};

/// Permissions of a new file whose target does not exist (or is not a
/// regular file): the owner's only.
const PRIVATE_MODE: u32 = 0o600;

/// Opens the partial file an earlier download left at `part`, or creates it
/// empty when there is none.
pub(crate) fn open_or_create(part: &Path, target: &Path) -> Result<File> {
    match open_existing(part)? {
        Some(file) => Ok(file),
        None => create(part, target),
    }
}

/// Creates `part` empty, replacing a partial file this library made there
/// earlier (and nothing else).
pub(crate) fn create_fresh(part: &Path, target: &Path) -> Result<File> {
    if let Some(file) = open_existing(part)? {
        drop(file);
        fs::remove_file(part).map_err(|e| Error::io(display(part), e))?;
    }
    create(part, target)
}

/// The file at `part` when it is one this library can have made; `None`
/// when nothing is there.
fn open_existing(part: &Path) -> Result<Option<File>> {
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(part);
    let file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(not_ours(part, "is a symbolic link"))
        }
        Err(e) => return Err(Error::io(display(part), e)),
    };
    // Checked on the open descriptor, so the name cannot be swapped between
    // the check and the use.
    let meta = file.metadata().map_err(|e| Error::io(display(part), e))?;
    if !meta.file_type().is_file() {
        return Err(not_ours(part, "is not a regular file"));
    }
    if meta.uid() != effective_uid() {
        return Err(not_ours(part, "belongs to another user"));
    }
    if meta.nlink() != 1 {
        return Err(not_ours(part, "has other hard links"));
    }
    Ok(Some(file))
}

/// The user the process acts as, who owns the files it creates. The standard
/// library has no safe call for it, and nothing the process owns tells it
/// honestly (`/proc/self` is root's in a process that is not dumpable), so
/// this is libc's, the crate's one unsafe call outside the C layer.
#[allow(unsafe_code)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Creates `part` exclusively: an existing name, a symbolic link included,
/// makes it fail rather than be followed or reused.
fn create(part: &Path, target: &Path) -> Result<File> {
    let mode = fs::symlink_metadata(target)
        .ok()
        .filter(|meta| meta.file_type().is_file())
        .map_or(PRIVATE_MODE, |meta| meta.mode() & 0o777);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(part)
        .map_err(|e| Error::io(display(part), e))?;
    // The umask narrowed the mode given at creation; the target's is wanted.
    file.set_permissions(Permissions::from_mode(mode))
        .map_err(|e| Error::io(display(part), e))?;
    Ok(file)
}

fn not_ours(part: &Path, why: &str) -> Error {
    Error::io(
        display(part),
        io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "the partial file {why}, so it is not one this library made; \
                 it is left alone (remove it to download here)"
            ),
        ),
    )
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("glance-part-file-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_symbolic_link_at_the_part_name_is_refused_and_its_target_untouched() {
        let dir = scratch("symlink");
        let victim = dir.join("victim");
        fs::write(&victim, b"precious").unwrap();
        let part = dir.join("out.part");
        symlink(&victim, &part).unwrap();
        for outcome in [
            open_or_create(&part, &dir.join("out")),
            create_fresh(&part, &dir.join("out")),
        ] {
            let err = outcome.unwrap_err();
            assert!(err.to_string().contains("symbolic link"), "{err}");
        }
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_hard_link_and_a_directory_are_refused() {
        let dir = scratch("hardlink");
        let victim = dir.join("victim");
        fs::write(&victim, b"precious").unwrap();
        let part = dir.join("out.part");
        fs::hard_link(&victim, &part).unwrap();
        let err = open_or_create(&part, &dir.join("out")).unwrap_err();
        assert!(err.to_string().contains("hard links"), "{err}");
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        let other = dir.join("other.part");
        fs::create_dir(&other).unwrap();
        assert!(open_or_create(&other, &dir.join("other")).is_err());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_new_file_takes_the_targets_mode_else_owner_only() {
        let dir = scratch("mode");
        let target = dir.join("shared");
        fs::write(&target, b"old").unwrap();
        fs::set_permissions(&target, Permissions::from_mode(0o664)).unwrap();
        let file = create_fresh(&dir.join("shared.part"), &target).unwrap();
        assert_eq!(file.metadata().unwrap().mode() & 0o777, 0o664);
        let file = open_or_create(&dir.join("new.part"), &dir.join("new")).unwrap();
        assert_eq!(file.metadata().unwrap().mode() & 0o777, PRIVATE_MODE);
        fs::remove_dir_all(dir).unwrap();
    }
}
