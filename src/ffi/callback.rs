//! What callbacks answer: go on, or stop the call.

/// A callback's answer to let the call go on.
pub const GLANCE_CB_CONTINUE: u32 = 0;
/// A callback's answer to stop the call, which then fails with `GLANCE_ABORTED`
/// (any value other than `GLANCE_CB_CONTINUE` does the same).
pub const GLANCE_CB_ABORT: u32 = 1;
