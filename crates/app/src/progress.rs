//! Progress of long work, for the command line's bars (and anything else that wants to show it).

pub trait Progress: Send + Sync {
    /// A new phase with `total` units (bytes or rows; 0 when unknown).
    fn start(&self, phase: &str, total: u64);
    /// The phase has reached `done` units.
    fn set(&self, done: u64);
    fn finish(&self);
}

pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &str, _: u64) {}
    fn set(&self, _: u64) {}
    fn finish(&self) {}
}
