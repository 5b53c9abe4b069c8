//! Distributed Map as AWS runs it: the items read from S3 by an ItemReader (`reader`), grouped
//! by an ItemBatcher (`batcher`), each item or batch run as a child workflow execution of its
//! own with its own history, inside a Map Run recorded in the parent's history (`map_run`), and
//! the children's results written by a ResultWriter (`writer`). S3 is a folder or objects given
//! by a test case (`s3`); without either, the reader's call is mocked like a Task's.

mod batcher;
mod map_run;
mod reader;
mod s3;
mod writer;

use serde_json::Value;

pub use map_run::{ChildExecution, MapRun, ResultFile};
pub use s3::{S3Object, S3Source};

use super::{Rng, RunOptions};

/// What an engine keeps for its Distributed Maps: where S3 is, the Map Runs so far, and the
/// generator of their ids (its own, so that a Map Run leaves `States.UUID` and jitter as they
/// were).
#[derive(Clone, Debug)]
pub(crate) struct Distributed {
    pub(super) s3: S3Source,
    pub(super) runs: Vec<MapRun>,
    ids: Rng,
    /// The state machine's name and whether it is Express, for the ARNs of Map Runs.
    machine_name: String,
}

impl Distributed {
    pub(crate) fn new(options: &RunOptions) -> Self {
        Distributed {
            s3: options.s3.clone(),
            runs: Vec::new(),
            ids: Rng::new(options.seed ^ 0x6d61_7052_756e), // "mapRun"
            machine_name: options.state_machine_name.clone(),
        }
    }

    fn uuid(&mut self) -> String {
        self.ids.uuid()
    }
}

/// The JSON text of a value, as AWS's records hold payloads.
fn json_text(value: &Value) -> String {
    value.to_string()
}
