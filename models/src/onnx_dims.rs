//! Rewriting the declared shapes of an ONNX graph's inputs and outputs, the
//! way `onnx.tools.update_model_dims` does, without an ONNX or protobuf
//! schema: ONNX files are protobuf, and only one path through the message
//! tree has to change.
//!
//! `ModelProto.graph` (field 7) → `GraphProto.input` / `.output` (fields 11 /
//! 12, `ValueInfoProto`) → `.type` (2, `TypeProto`) → `.tensor_type` (1) →
//! `.shape` (2, `TensorShapeProto`) → `.dim` (1, repeated `Dimension`: 1
//! `dim_value` int64 or 2 `dim_param` string).
//!
//! Everything else (weights, nodes, metadata, unknown fields) is copied byte
//! for byte; the messages on the path are re-encoded with their new lengths.
//! Why not `prost`: prost drops fields its structs do not declare, so it
//! would need the whole ONNX schema to round-trip a model; this edit needs
//! the wire format only.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One dimension of a tensor shape: a fixed size or a symbolic name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Dim {
    Value(i64),
    Param(String),
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dim::Value(v) => write!(f, "{v}"),
            Dim::Param(p) => f.write_str(p),
        }
    }
}

/// Why a file could not be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnnxEditError(pub String);

impl fmt::Display for OnnxEditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

type EditResult<T> = std::result::Result<T, OnnxEditError>;
/// Rewrites a field's payload (`None`: the field is absent) into a new one (`None`: drop it).
type FieldEdit<'a> = dyn FnMut(Option<&[u8]>) -> EditResult<Option<Vec<u8>>> + 'a;
/// Named tensors with their shapes.
pub type Shapes = Vec<(String, Vec<Dim>)>;

fn bad<T>(reason: impl Into<String>) -> EditResult<T> {
    Err(OnnxEditError(reason.into()))
}

const MODEL_GRAPH: u32 = 7;
const GRAPH_INPUT: u32 = 11;
const GRAPH_OUTPUT: u32 = 12;
const VALUE_INFO_NAME: u32 = 1;
const VALUE_INFO_TYPE: u32 = 2;
const TYPE_TENSOR: u32 = 1;
const TENSOR_SHAPE: u32 = 2;
const SHAPE_DIM: u32 = 1;
const DIM_VALUE: u32 = 1;
const DIM_PARAM: u32 = 2;

const WIRE_VARINT: u8 = 0;
const WIRE_I64: u8 = 1;
const WIRE_LEN: u8 = 2;
const WIRE_I32: u8 = 5;

/// One field of a message as it sits in the buffer.
#[derive(Debug, Clone, Copy)]
struct Field<'a> {
    number: u32,
    wire: u8,
    /// The whole field, tag included (copied unchanged when not edited).
    raw: &'a [u8],
    /// The payload of a length-delimited field.
    body: &'a [u8],
    /// The value of a varint field.
    varint: u64,
}

fn read_varint(buf: &[u8], pos: &mut usize) -> EditResult<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let Some(&b) = buf.get(*pos) else {
            return bad("truncated varint");
        };
        *pos += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    bad("varint longer than 10 bytes")
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The fields of one message, in order.
fn fields(buf: &[u8]) -> EditResult<Vec<Field<'_>>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let start = pos;
        let tag = read_varint(buf, &mut pos)?;
        let number = u32::try_from(tag >> 3).map_err(|_| OnnxEditError("field number out of range".into()))?;
        let wire = (tag & 7) as u8;
        if number == 0 {
            return bad("field number 0");
        }
        let (body, varint) = match wire {
            WIRE_VARINT => (&buf[0..0], read_varint(buf, &mut pos)?),
            WIRE_I64 | WIRE_I32 => {
                let n = if wire == WIRE_I64 { 8 } else { 4 };
                if buf.len() - pos < n {
                    return bad("truncated fixed-width field");
                }
                pos += n;
                (&buf[0..0], 0)
            }
            WIRE_LEN => {
                let len = read_varint(buf, &mut pos)?;
                let len = usize::try_from(len).ok().filter(|l| *l <= buf.len() - pos);
                let Some(len) = len else {
                    return bad(format!("field {number} runs past the end of its message"));
                };
                let body = &buf[pos..pos + len];
                pos += len;
                (body, 0)
            }
            other => return bad(format!("unsupported wire type {other} (field {number})")),
        };
        out.push(Field { number, wire, raw: &buf[start..pos], body, varint });
    }
    Ok(out)
}

fn push_len_field(out: &mut Vec<u8>, number: u32, body: &[u8]) {
    write_varint(out, (u64::from(number) << 3) | u64::from(WIRE_LEN));
    write_varint(out, body.len() as u64);
    out.extend_from_slice(body);
}

fn encode_shape(dims: &[Dim]) -> Vec<u8> {
    let mut shape = Vec::new();
    for d in dims {
        let mut dim = Vec::new();
        match d {
            Dim::Value(v) => {
                write_varint(&mut dim, (u64::from(DIM_VALUE) << 3) | u64::from(WIRE_VARINT));
                write_varint(&mut dim, *v as u64);
            }
            Dim::Param(p) => push_len_field(&mut dim, DIM_PARAM, p.as_bytes()),
        }
        push_len_field(&mut shape, SHAPE_DIM, &dim);
    }
    shape
}

fn decode_shape(shape: &[u8]) -> EditResult<Vec<Dim>> {
    let mut dims = Vec::new();
    for f in fields(shape)?.into_iter().filter(|f| f.number == SHAPE_DIM && f.wire == WIRE_LEN) {
        let mut dim = Dim::Param(String::new());
        for g in fields(f.body)? {
            match (g.number, g.wire) {
                (DIM_VALUE, WIRE_VARINT) => dim = Dim::Value(g.varint as i64),
                (DIM_PARAM, WIRE_LEN) => dim = Dim::Param(String::from_utf8_lossy(g.body).into_owned()),
                _ => {}
            }
        }
        dims.push(dim);
    }
    Ok(dims)
}

/// Rebuild `message`, replacing the payload of the first length-delimited
/// field `number` through `edit` (which sees `None` when it is absent and may
/// then return a new payload to append).
fn rewrite_field(
    message: &[u8],
    number: u32,
    edit: &mut FieldEdit<'_>,
) -> EditResult<Vec<u8>> {
    let mut out = Vec::with_capacity(message.len() + 16);
    let mut done = false;
    for f in fields(message)? {
        if !done && f.number == number && f.wire == WIRE_LEN {
            done = true;
            if let Some(body) = edit(Some(f.body))? {
                push_len_field(&mut out, number, &body);
            }
        } else {
            out.extend_from_slice(f.raw);
        }
    }
    if !done {
        if let Some(body) = edit(None)? {
            push_len_field(&mut out, number, &body);
        }
    }
    Ok(out)
}

fn value_info_name(info: &[u8]) -> EditResult<Option<String>> {
    Ok(fields(info)?
        .into_iter()
        .find(|f| f.number == VALUE_INFO_NAME && f.wire == WIRE_LEN)
        .map(|f| String::from_utf8_lossy(f.body).into_owned()))
}

fn set_value_info_shape(info: &[u8], dims: &[Dim]) -> EditResult<Vec<u8>> {
    rewrite_field(info, VALUE_INFO_TYPE, &mut |ty| {
        let Some(ty) = ty else {
            return bad("value has no type");
        };
        rewrite_field(ty, TYPE_TENSOR, &mut |tensor| {
            let Some(tensor) = tensor else {
                return bad("value is not a tensor");
            };
            rewrite_field(tensor, TENSOR_SHAPE, &mut |_| Ok(Some(encode_shape(dims)))).map(Some)
        })
        .map(Some)
    })
}

fn value_info_shape(info: &[u8]) -> EditResult<Option<Vec<Dim>>> {
    let find = |buf: &[u8], number: u32| -> EditResult<Option<Vec<u8>>> {
        Ok(fields(buf)?.into_iter().find(|f| f.number == number && f.wire == WIRE_LEN).map(|f| f.body.to_vec()))
    };
    let Some(ty) = find(info, VALUE_INFO_TYPE)? else { return Ok(None) };
    let Some(tensor) = find(&ty, TYPE_TENSOR)? else { return Ok(None) };
    let Some(shape) = find(&tensor, TENSOR_SHAPE)? else { return Ok(None) };
    decode_shape(&shape).map(Some)
}

fn graph_of(model: &[u8]) -> EditResult<&[u8]> {
    match fields(model)?.into_iter().find(|f| f.number == MODEL_GRAPH && f.wire == WIRE_LEN) {
        Some(f) => Ok(f.body),
        None => bad("no graph in the model (is this an ONNX file?)"),
    }
}

/// The declared inputs and outputs of a model's graph with their shapes.
pub fn io_shapes(model: &[u8]) -> EditResult<(Shapes, Shapes)> {
    let graph = graph_of(model)?;
    let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
    for f in fields(graph)? {
        if f.wire != WIRE_LEN || (f.number != GRAPH_INPUT && f.number != GRAPH_OUTPUT) {
            continue;
        }
        let name = value_info_name(f.body)?.unwrap_or_default();
        let shape = value_info_shape(f.body)?.unwrap_or_default();
        if f.number == GRAPH_INPUT {
            inputs.push((name, shape));
        } else {
            outputs.push((name, shape));
        }
    }
    Ok((inputs, outputs))
}

/// `model` with the graph inputs and outputs named in `dims` declared with
/// those shapes (rank may change, other values are left as they are). Every
/// name in `dims` must be a graph input or output.
pub fn set_io_dims(model: &[u8], dims: &BTreeMap<String, Vec<Dim>>) -> EditResult<Vec<u8>> {
    let mut seen = std::collections::BTreeSet::new();
    let out = rewrite_field(model, MODEL_GRAPH, &mut |graph| {
        let Some(graph) = graph else {
            return bad("no graph in the model (is this an ONNX file?)");
        };
        let mut new_graph = Vec::with_capacity(graph.len() + 256);
        for f in fields(graph)? {
            let is_io = f.wire == WIRE_LEN && (f.number == GRAPH_INPUT || f.number == GRAPH_OUTPUT);
            let target = if is_io { value_info_name(f.body)?.and_then(|n| dims.get_key_value(&n)) } else { None };
            match target {
                Some((name, shape)) => {
                    seen.insert(name.clone());
                    let info = set_value_info_shape(f.body, shape)?;
                    push_len_field(&mut new_graph, f.number, &info);
                }
                None => new_graph.extend_from_slice(f.raw),
            }
        }
        Ok(Some(new_graph))
    })?;
    if let Some(missing) = dims.keys().find(|k| !seen.contains(*k)) {
        return bad(format!("the graph has no input or output named `{missing}`"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_info(name: &str, dims: &[Dim]) -> Vec<u8> {
        let mut tensor = Vec::new();
        tensor.extend_from_slice(&[0x08, 0x01]); // elem_type = FLOAT
        push_len_field(&mut tensor, TENSOR_SHAPE, &encode_shape(dims));
        let mut ty = Vec::new();
        push_len_field(&mut ty, TYPE_TENSOR, &tensor);
        let mut info = Vec::new();
        push_len_field(&mut info, VALUE_INFO_NAME, name.as_bytes());
        push_len_field(&mut info, VALUE_INFO_TYPE, &ty);
        info
    }

    fn model() -> Vec<u8> {
        let mut graph = Vec::new();
        push_len_field(&mut graph, 1, b"node bytes stay");
        push_len_field(&mut graph, GRAPH_INPUT, &value_info("input.1", &[Dim::Value(10), Dim::Value(3), Dim::Value(32), Dim::Value(32)]));
        push_len_field(&mut graph, GRAPH_INPUT, &value_info("bn.num_batches_tracked", &[]));
        push_len_field(&mut graph, GRAPH_OUTPUT, &value_info("537", &[Dim::Value(10), Dim::Value(1), Dim::Value(8), Dim::Value(8)]));
        let mut model = vec![0x08, 0x07]; // ir_version
        push_len_field(&mut model, MODEL_GRAPH, &graph);
        push_len_field(&mut model, 8, b"opset");
        model
    }

    #[test]
    fn rewrites_named_shapes_and_keeps_everything_else() {
        let m = model();
        let mut dims = BTreeMap::new();
        dims.insert("input.1".to_string(), vec![Dim::Param("B".into()), Dim::Value(3), Dim::Param("H".into()), Dim::Param("W".into())]);
        dims.insert("537".to_string(), vec![Dim::Param("B".into()), Dim::Value(1), Dim::Param("h".into()), Dim::Param("w".into())]);
        let out = set_io_dims(&m, &dims).unwrap();
        let (inputs, outputs) = io_shapes(&out).unwrap();
        assert_eq!(inputs[0].0, "input.1");
        assert_eq!(inputs[0].1, dims["input.1"]);
        assert_eq!(inputs[1], ("bn.num_batches_tracked".to_string(), vec![]));
        assert_eq!(outputs[0].1, dims["537"]);
        // Untouched fields survive byte for byte, in order.
        let top = fields(&out).unwrap();
        assert_eq!(top.iter().map(|f| f.number).collect::<Vec<_>>(), vec![1, MODEL_GRAPH, 8]);
        assert_eq!(top[2].body, b"opset");
        assert_eq!(fields(graph_of(&out).unwrap()).unwrap()[0].body, b"node bytes stay");
        // Applying the same edit again changes nothing.
        assert_eq!(set_io_dims(&out, &dims).unwrap(), out);
    }

    #[test]
    fn unknown_names_and_broken_files_are_errors_not_panics() {
        let m = model();
        let mut dims = BTreeMap::new();
        dims.insert("nope".to_string(), vec![Dim::Value(1)]);
        assert!(set_io_dims(&m, &dims).unwrap_err().0.contains("nope"));
        for cut in 0..m.len() {
            let _ = set_io_dims(&m[..cut], &dims);
            let _ = io_shapes(&m[..cut]);
        }
        assert!(io_shapes(&[0xff; 12]).is_err());
        assert!(io_shapes(b"").is_err());
        let mut huge = vec![(MODEL_GRAPH as u8) << 3 | WIRE_LEN];
        write_varint(&mut huge, u64::MAX);
        assert!(io_shapes(&huge).is_err());
    }
}
