//! `reelkit schema`: the JSON Schema (draft 2020-12) of job specs and reports.

use clap::Args;

use crate::output::{write_output, Result};

#[derive(Debug, Args)]
pub struct SchemaArgs {}

pub fn run(_args: SchemaArgs) -> Result<()> {
    write_output(reelkit::job::schema::job_schema_json().as_bytes(), None)
}
