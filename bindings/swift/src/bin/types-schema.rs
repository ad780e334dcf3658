//! Prints the JSON Schema of the records that cross the boundary as JSON
//! (`reelkit_ffi::json::types_schema`); `scripts/generate.sh` feeds it to
//! quicktype for the Swift `Codable` types.

fn main() {
    println!("{}", serde_json::to_string_pretty(&reelkit_ffi::json::types_schema()).unwrap_or_default());
}
