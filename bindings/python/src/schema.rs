//! The JSON Schema of job specs and reports (`reelkit schema`), and the
//! schema of the other records this module returns as dicts, from which
//! `scripts/gen_types.py` writes the TypedDicts of `reelkit._types`.

use pyo3::prelude::*;
use schemars::generate::SchemaSettings;
use serde_json::json;

use crate::convert;

/// The JSON Schema (draft 2020-12) of job specs, with every report under
/// ``$defs`` (``JobReport``): what ``reelkit schema`` prints.
#[pyfunction]
fn schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    convert::to_py(py, &reelkit::job::schema::job_schema())
}

/// ``{"$defs": ...}`` of the records returned outside job reports.
#[pyfunction]
fn _records_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    generator.subschema_for::<reelkit::scenes::SceneList>();
    generator.subschema_for::<reelkit::tts::SynthesisSummary>();
    generator.subschema_for::<reelkit::tts::SpokenSentence>();
    generator.subschema_for::<reelkit::tts::Voice>();
    generator.subschema_for::<reelkit::subtitle::SubtitleCue>();
    generator.subschema_for::<reelkit::models::ModelStatus>();
    convert::to_py(py, &json!({ "$defs": generator.take_definitions(true) }))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(schema, m)?)?;
    m.add_function(wrap_pyfunction!(_records_schema, m)?)?;
    Ok(())
}
