//! Makes a VITS graph's noise come from the caller, so that a fixed seed
//! gives the same audio.
//!
//! Piper voices draw Gaussian noise with `RandomNormalLike` nodes, which ONNX
//! Runtime seeds from the clock and advances on every run. This module
//! rewrites the ONNX model bytes (protobuf wire format, edited in place so
//! every field it does not touch survives byte for byte): each
//! `RandomNormalLike(x)` becomes
//! `Reshape(Slice(noise_k, [0], Reshape(Size(x), [1])), Shape(x)) * scale + mean`
//! where `noise_k` is a new float input of any length. The caller feeds a
//! seeded Gaussian stream at least as long as the largest tensor drawn.

use crate::error::{Error, Result};

/// Name of the `k`-th noise input added to the graph.
pub fn noise_input_name(k: usize) -> String {
    format!("reelkit_noise_{k}")
}

/// The rewritten model and how many noise inputs it has.
pub struct SeededGraph {
    pub model: Vec<u8>,
    pub noise_inputs: usize,
}

/// Rewrite `model` (ONNX bytes). A model without random nodes comes back
/// unchanged with `noise_inputs == 0`.
pub fn seed_random_nodes(model: &[u8]) -> Result<SeededGraph> {
    let fields = parse_fields(model).map_err(invalid)?;
    let mut out = Vec::with_capacity(model.len() + 4096);
    let mut noise_inputs = 0;
    let mut saw_graph = false;
    for field in &fields {
        if field.number == 7 && field.wire == 2 && !saw_graph {
            saw_graph = true;
            let (graph, added) = rewrite_graph(field.payload(model)).map_err(invalid)?;
            noise_inputs = added;
            put_len_field(&mut out, 7, &graph);
        } else {
            out.extend_from_slice(&model[field.start..field.end]);
        }
    }
    if !saw_graph {
        return Err(invalid("no graph in the model".into()));
    }
    Ok(SeededGraph { model: out, noise_inputs })
}

fn invalid(reason: String) -> Error {
    Error::tts(format!("cannot prepare the voice model: {reason}"))
}

/// One top-level field of a protobuf message: its number, wire type and
/// byte span (tag included), plus where the payload starts.
struct Field {
    number: u64,
    wire: u8,
    start: usize,
    payload_start: usize,
    end: usize,
}

impl Field {
    fn payload<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        &bytes[self.payload_start..self.end]
    }
}

fn read_varint(bytes: &[u8], pos: &mut usize) -> std::result::Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos).ok_or("truncated varint")?;
        *pos += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("varint too long".into())
}

fn parse_fields(bytes: &[u8]) -> std::result::Result<Vec<Field>, String> {
    let mut fields = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let start = pos;
        let key = read_varint(bytes, &mut pos)?;
        let (number, wire) = (key >> 3, (key & 7) as u8);
        let payload_start;
        match wire {
            0 => {
                payload_start = pos;
                read_varint(bytes, &mut pos)?;
            }
            1 => {
                payload_start = pos;
                pos += 8;
            }
            2 => {
                let len = read_varint(bytes, &mut pos)? as usize;
                payload_start = pos;
                pos = pos.checked_add(len).ok_or("length overflow")?;
            }
            5 => {
                payload_start = pos;
                pos += 4;
            }
            other => return Err(format!("unsupported protobuf wire type {other}")),
        }
        if pos > bytes.len() {
            return Err("truncated message".into());
        }
        fields.push(Field { number, wire, start, payload_start, end: pos });
    }
    Ok(fields)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_len_field(out: &mut Vec<u8>, number: u64, payload: &[u8]) {
    put_varint(out, number << 3 | 2);
    put_varint(out, payload.len() as u64);
    out.extend_from_slice(payload);
}

fn put_str(out: &mut Vec<u8>, number: u64, s: &str) {
    put_len_field(out, number, s.as_bytes());
}

fn put_int(out: &mut Vec<u8>, number: u64, v: i64) {
    put_varint(out, number << 3);
    put_varint(out, v as u64);
}

/// What the rewrite needs from a `RandomNormalLike` node.
struct RandomNode {
    input: String,
    output: String,
    name: String,
    mean: f32,
    scale: f32,
    dtype: Option<i64>,
}

fn parse_random_node(node: &[u8]) -> std::result::Result<Option<RandomNode>, String> {
    let fields = parse_fields(node)?;
    let text = |f: &Field| String::from_utf8_lossy(f.payload(node)).into_owned();
    let op = fields.iter().find(|f| f.number == 4 && f.wire == 2).map(text).unwrap_or_default();
    let domain = fields.iter().find(|f| f.number == 7 && f.wire == 2).map(text).unwrap_or_default();
    if op != "RandomNormalLike" || !(domain.is_empty() || domain == "ai.onnx") {
        return Ok(None);
    }
    let inputs: Vec<String> = fields.iter().filter(|f| f.number == 1 && f.wire == 2).map(text).collect();
    let outputs: Vec<String> = fields.iter().filter(|f| f.number == 2 && f.wire == 2).map(text).collect();
    let name = fields.iter().find(|f| f.number == 3 && f.wire == 2).map(text).unwrap_or_default();
    let (Some(input), Some(output)) = (inputs.first(), outputs.first()) else {
        return Err("RandomNormalLike without input or output".into());
    };
    let mut out = RandomNode { input: input.clone(), output: output.clone(), name, mean: 0.0, scale: 1.0, dtype: None };
    // AttributeProto: name (1), f (2, fixed32), i (3, varint).
    for attr in fields.iter().filter(|f| f.number == 5 && f.wire == 2) {
        let bytes = attr.payload(node);
        let attr_fields = parse_fields(bytes)?;
        let attr_name = attr_fields
            .iter()
            .find(|f| f.number == 1 && f.wire == 2)
            .map(|f| String::from_utf8_lossy(f.payload(bytes)).into_owned())
            .unwrap_or_default();
        let float = attr_fields.iter().find(|f| f.number == 2 && f.wire == 5).map(|f| {
            let p = f.payload(bytes);
            f32::from_le_bytes([p[0], p[1], p[2], p[3]])
        });
        let int = attr_fields.iter().find(|f| f.number == 3 && f.wire == 0).map(|f| {
            let mut pos = f.payload_start;
            read_varint(bytes, &mut pos).unwrap_or(0) as i64
        });
        match attr_name.as_str() {
            "mean" => out.mean = float.unwrap_or(0.0),
            "scale" => out.scale = float.unwrap_or(1.0),
            "dtype" => out.dtype = int,
            _ => {}
        }
    }
    Ok(Some(out))
}

/// A NodeProto with `inputs`, one `output`, `op_type` and a name.
fn node_proto(op: &str, name: &str, inputs: &[&str], output: &str) -> Vec<u8> {
    let mut node = Vec::new();
    for input in inputs {
        put_str(&mut node, 1, input);
    }
    put_str(&mut node, 2, output);
    put_str(&mut node, 3, name);
    put_str(&mut node, 4, op);
    node
}

/// A NodeProto with one int attribute (for Cast's `to`).
fn node_with_int_attribute(op: &str, name: &str, inputs: &[&str], output: &str, attr: &str, value: i64) -> Vec<u8> {
    let mut node = node_proto(op, name, inputs, output);
    let mut attribute = Vec::new();
    put_str(&mut attribute, 1, attr);
    put_int(&mut attribute, 3, value);
    put_int(&mut attribute, 20, 2); // AttributeType INT
    put_len_field(&mut node, 5, &attribute);
    node
}

/// A TensorProto initializer of shape `[values.len()]`.
fn int64_initializer(name: &str, values: &[i64]) -> Vec<u8> {
    let mut t = Vec::new();
    put_int(&mut t, 1, values.len() as i64);
    put_int(&mut t, 2, 7); // INT64
    put_str(&mut t, 8, name);
    let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    put_len_field(&mut t, 9, &raw);
    t
}

fn float_scalar_initializer(name: &str, value: f32) -> Vec<u8> {
    let mut t = Vec::new();
    put_int(&mut t, 2, 1); // FLOAT, rank 0
    put_str(&mut t, 8, name);
    put_len_field(&mut t, 9, &value.to_le_bytes());
    t
}

/// A graph input `name`: float tensor of shape `[dim_param]`.
fn float_vector_input(name: &str) -> Vec<u8> {
    let mut dim = Vec::new();
    put_str(&mut dim, 2, &format!("{name}_length"));
    let mut shape = Vec::new();
    put_len_field(&mut shape, 1, &dim);
    let mut tensor = Vec::new();
    put_int(&mut tensor, 1, 1); // FLOAT
    put_len_field(&mut tensor, 2, &shape);
    let mut ty = Vec::new();
    put_len_field(&mut ty, 1, &tensor);
    let mut value_info = Vec::new();
    put_str(&mut value_info, 1, name);
    put_len_field(&mut value_info, 2, &ty);
    value_info
}

const ZERO: &str = "reelkit_noise_zero";
const ONE_ELEMENT: &str = "reelkit_noise_one_element";

/// The nodes that replace one `RandomNormalLike`.
fn replacement(node: &RandomNode, k: usize, initializers: &mut Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let noise = noise_input_name(k);
    let base = if node.name.is_empty() { format!("reelkit_noise_node_{k}") } else { node.name.clone() };
    let n = |suffix: &str| format!("{base}/reelkit_{suffix}");
    let mut nodes = vec![
        node_proto("Shape", &n("shape"), &[&node.input], &n("shape_out")),
        node_proto("Size", &n("size"), &[&node.input], &n("size_out")),
        node_proto("Reshape", &n("size_1d"), &[&n("size_out"), ONE_ELEMENT], &n("size_1d_out")),
        node_proto("Slice", &n("slice"), &[&noise, ZERO, &n("size_1d_out")], &n("slice_out")),
    ];
    let mut current = n("slice_out");
    let push = |nodes: &mut Vec<Vec<u8>>, op: &str, suffix: &str, inputs: &[&str]| {
        let out = n(&format!("{suffix}_out"));
        nodes.push(node_proto(op, &n(suffix), inputs, &out));
        out
    };
    let shaped = if node.scale == 1.0 && node.mean == 0.0 && node.dtype.is_none_or(|d| d == 1) {
        node.output.clone()
    } else {
        n("shaped_out")
    };
    nodes.push(node_proto("Reshape", &n("shaped"), &[&current, &n("shape_out")], &shaped));
    current = shaped;
    if node.scale != 1.0 {
        let name = n("scale_value");
        initializers.push(float_scalar_initializer(&name, node.scale));
        current = push(&mut nodes, "Mul", "scale", &[&current, &name]);
    }
    if node.mean != 0.0 {
        let name = n("mean_value");
        initializers.push(float_scalar_initializer(&name, node.mean));
        current = push(&mut nodes, "Add", "mean", &[&current, &name]);
    }
    match node.dtype.filter(|d| *d != 1) {
        Some(dtype) => nodes.push(node_with_int_attribute("Cast", &n("cast"), &[&current], &node.output, "to", dtype)),
        None if current != node.output => nodes.push(node_proto("Identity", &n("out"), &[&current], &node.output)),
        None => {}
    }
    nodes
}

fn rewrite_graph(graph: &[u8]) -> std::result::Result<(Vec<u8>, usize), String> {
    let fields = parse_fields(graph)?;
    let mut out = Vec::with_capacity(graph.len() + 4096);
    let mut initializers = Vec::new();
    let mut k = 0;
    for field in &fields {
        if field.number == 1 && field.wire == 2 {
            if let Some(node) = parse_random_node(field.payload(graph))? {
                for replacement_node in replacement(&node, k, &mut initializers) {
                    put_len_field(&mut out, 1, &replacement_node);
                }
                k += 1;
                continue;
            }
        }
        out.extend_from_slice(&graph[field.start..field.end]);
    }
    if k == 0 {
        return Ok((graph.to_vec(), 0));
    }
    put_len_field(&mut out, 5, &int64_initializer(ZERO, &[0]));
    put_len_field(&mut out, 5, &int64_initializer(ONE_ELEMENT, &[1]));
    for init in initializers {
        put_len_field(&mut out, 5, &init);
    }
    for i in 0..k {
        put_len_field(&mut out, 11, &float_vector_input(&noise_input_name(i)));
    }
    Ok((out, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut buf = Vec::new();
            put_varint(&mut buf, v);
            let mut pos = 0;
            assert_eq!(read_varint(&buf, &mut pos).unwrap(), v);
            assert_eq!(pos, buf.len());
        }
    }

    #[test]
    fn graphs_without_random_nodes_are_unchanged_and_garbage_is_rejected() {
        let mut graph = Vec::new();
        put_len_field(&mut graph, 1, &node_proto("Add", "add", &["a", "b"], "c"));
        let mut model = Vec::new();
        put_int(&mut model, 1, 8);
        put_len_field(&mut model, 7, &graph);
        let seeded = seed_random_nodes(&model).unwrap();
        assert_eq!(seeded.noise_inputs, 0);
        assert_eq!(seeded.model, model);
        assert!(seed_random_nodes(&[0x3a, 0xff, 0xff]).is_err());
        assert!(seed_random_nodes(b"").is_err());
    }
}
