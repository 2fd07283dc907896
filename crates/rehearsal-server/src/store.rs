//! `--datadir`: imposters kept on disk so that they survive a restart.
//!
//! (Skeleton: the writes and the loading arrive with the datadir change.)

use std::path::PathBuf;

use crate::imposter::Imposter;

/// The directory imposters are saved in, one file each.
#[derive(Debug)]
pub struct Store {
    #[allow(dead_code)]
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: PathBuf) -> Store {
        Store { dir }
    }

    /// Saves the imposter as it is now, durably, before returning.
    pub async fn save(&self, _imposter: &Imposter) {}
}
