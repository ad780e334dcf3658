//! Reader for CTranslate2 `model.bin` files.
//!
//! Layout (little endian), binary versions 2 to 6:
//! `u32 version`, `string spec_name`, `u32 spec_revision`, `u32 n_variables`, then per variable
//! `string name`, `u8 rank`, `u32 dims[rank]`, then (version >= 4) `u8 dtype` + `u32 n_bytes`
//! or (version < 4) `u8 item_size` + `u32 n_items`, then the raw data; then (version >= 3)
//! `u32 n_aliases` and pairs of `string alias`, `string target`.
//! A string is `u16 length` (including a trailing NUL) followed by the bytes.
//!
//! Only the index is read up front; tensor data is read on demand with seeks so that
//! multi-gigabyte models do not have to fit in memory twice.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};

/// Newest binary version this reader understands.
pub const MAX_BINARY_VERSION: u32 = 6;

/// Element type of a stored variable (ids as CTranslate2 numbers them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl DType {
    fn from_id(id: u8) -> Option<DType> {
        Some(match id {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::BF16,
            _ => return None,
        })
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::F32 | DType::I32 => 4,
            DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::I8 => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::F16 => "float16",
            DType::BF16 => "bfloat16",
        }
    }
}

/// Index entry of one stored variable.
#[derive(Debug, Clone)]
pub struct VarInfo {
    pub name: String,
    pub shape: Vec<u32>,
    pub dtype: DType,
    pub offset: u64,
    pub n_bytes: u64,
}

impl VarInfo {
    pub fn n_elements(&self) -> u64 {
        self.shape.iter().map(|&d| d as u64).product()
    }
}

/// An opened CTranslate2 model file.
pub struct Ct2Model {
    path: PathBuf,
    pub binary_version: u32,
    pub spec_name: String,
    pub spec_revision: u32,
    vars: Vec<VarInfo>,
    by_name: HashMap<String, usize>,
    aliases: HashMap<String, String>,
    file: BufReader<File>,
}

struct Cursor<'a> {
    r: &'a mut BufReader<File>,
    pos: u64,
    len: u64,
    path: &'a Path,
}

impl Cursor<'_> {
    fn truncated(&self, what: &str) -> Error {
        Error::invalid(
            self.path,
            format!(
                "truncated CTranslate2 file: cannot read {what} at byte {}",
                self.pos
            ),
        )
    }

    fn bytes(&mut self, n: usize, what: &str) -> Result<Vec<u8>> {
        if self.pos + n as u64 > self.len {
            return Err(self.truncated(what));
        }
        let mut buf = vec![0u8; n];
        self.r.read_exact(&mut buf).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                self.truncated(what)
            } else {
                Error::io(self.path, e)
            }
        })?;
        self.pos += n as u64;
        Ok(buf)
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.bytes(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16> {
        let b = self.bytes(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        let b = self.bytes(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self, what: &str) -> Result<String> {
        let n = self.u16(what)? as usize;
        let mut b = self.bytes(n, what)?;
        // Stored with a trailing NUL; be lenient about where the NUL is.
        if let Some(end) = b.iter().position(|&c| c == 0) {
            b.truncate(end);
        }
        String::from_utf8(b).map_err(|_| Error::invalid(self.path, format!("{what} is not UTF-8")))
    }

    fn skip(&mut self, n: u64, what: &str) -> Result<()> {
        if self.pos + n > self.len {
            return Err(self.truncated(what));
        }
        self.r.seek_relative(n as i64).at(self.path)?;
        self.pos += n;
        Ok(())
    }
}

impl Ct2Model {
    /// Open `model.bin` and read its variable index.
    pub fn open(path: &Path) -> Result<Ct2Model> {
        let file = File::open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::invalid(path, "file does not exist")
            } else {
                Error::io(path, e)
            }
        })?;
        let len = file.metadata().at(path)?.len();
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut c = Cursor {
            r: &mut reader,
            pos: 0,
            len,
            path,
        };

        let binary_version = c.u32("binary version")?;
        if binary_version == 0 || binary_version > 1000 {
            return Err(Error::invalid(
                path,
                format!("not a CTranslate2 model (binary version field reads {binary_version})"),
            ));
        }
        if !(2..=MAX_BINARY_VERSION).contains(&binary_version) {
            return Err(Error::unsupported(
                path,
                format!(
                    "CTranslate2 binary version {binary_version} (supported: 2 to {MAX_BINARY_VERSION})"
                ),
            ));
        }
        let spec_name = c.string("spec name")?;
        let spec_revision = c.u32("spec revision")?;
        let n_vars = c.u32("variable count")?;
        // Each variable takes at least 8 bytes; reject absurd counts before allocating.
        if n_vars as u64 * 8 > len {
            return Err(Error::invalid(
                path,
                format!("variable count {n_vars} exceeds file size"),
            ));
        }

        let mut vars = Vec::with_capacity(n_vars as usize);
        let mut by_name = HashMap::with_capacity(n_vars as usize);
        for _ in 0..n_vars {
            let name = c.string("variable name")?;
            let rank = c.u8("rank")? as usize;
            let mut shape = Vec::with_capacity(rank);
            for _ in 0..rank {
                shape.push(c.u32("dimension")?);
            }
            let (dtype, n_bytes) = if binary_version >= 4 {
                let id = c.u8("dtype")?;
                let dtype = DType::from_id(id).ok_or_else(|| {
                    Error::invalid(path, format!("variable {name}: unknown dtype id {id}"))
                })?;
                (dtype, c.u32("byte count")? as u64)
            } else {
                let item = c.u8("item size")?;
                let dtype = match item {
                    4 => DType::F32,
                    2 => DType::I16,
                    1 => DType::I8,
                    _ => {
                        return Err(Error::invalid(
                            path,
                            format!("variable {name}: unknown item size {item}"),
                        ))
                    }
                };
                (dtype, c.u32("item count")? as u64 * item as u64)
            };
            let n_elem: u64 = shape.iter().map(|&d| d as u64).product();
            if n_elem * dtype.size() as u64 != n_bytes {
                return Err(Error::invalid(
                    path,
                    format!(
                        "variable {name}: shape {shape:?} of {} does not match {n_bytes} bytes",
                        dtype.name()
                    ),
                ));
            }
            let offset = c.pos;
            c.skip(n_bytes, &format!("data of {name}"))?;
            by_name.insert(name.clone(), vars.len());
            vars.push(VarInfo {
                name,
                shape,
                dtype,
                offset,
                n_bytes,
            });
        }

        let mut aliases = HashMap::new();
        if binary_version >= 3 {
            let n_alias = c.u32("alias count")?;
            if n_alias as u64 * 4 > len {
                return Err(Error::invalid(
                    path,
                    format!("alias count {n_alias} exceeds file size"),
                ));
            }
            for _ in 0..n_alias {
                let alias = c.string("alias name")?;
                let target = c.string("alias target")?;
                aliases.insert(alias, target);
            }
        }
        if c.pos != len {
            tracing::warn!(path = %path.display(), trailing = len - c.pos, "trailing bytes after CTranslate2 model");
        }

        Ok(Ct2Model {
            path: path.to_path_buf(),
            binary_version,
            spec_name,
            spec_revision,
            vars,
            by_name,
            aliases,
            file: reader,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn variables(&self) -> &[VarInfo] {
        &self.vars
    }

    pub fn aliases(&self) -> &HashMap<String, String> {
        &self.aliases
    }

    /// Look a variable up by name, following aliases.
    pub fn get(&self, name: &str) -> Option<&VarInfo> {
        let mut name = name;
        for _ in 0..8 {
            if let Some(&i) = self.by_name.get(name) {
                return Some(&self.vars[i]);
            }
            match self.aliases.get(name) {
                Some(t) => name = t,
                None => return None,
            }
        }
        None
    }

    /// Like [`get`](Self::get) but a missing variable is an [`Error::InvalidModelFile`].
    pub fn require(&self, name: &str) -> Result<VarInfo> {
        self.get(name)
            .cloned()
            .ok_or_else(|| Error::invalid(&self.path, format!("missing variable {name}")))
    }

    /// Raw bytes of a variable.
    pub fn read_raw(&mut self, v: &VarInfo) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; v.n_bytes as usize];
        self.file.seek(SeekFrom::Start(v.offset)).at(&self.path)?;
        self.file.read_exact(&mut buf).at(&self.path)?;
        Ok(buf)
    }

    /// A scalar integer attribute (e.g. `encoder/num_heads`), if present.
    pub fn scalar_int(&mut self, name: &str) -> Result<Option<i64>> {
        let v = match self.get(name) {
            Some(v) if v.n_elements() == 1 => v.clone(),
            _ => return Ok(None),
        };
        let b = self.read_raw(&v)?;
        Ok(match v.dtype {
            DType::I8 => Some(b[0] as i8 as i64),
            DType::I16 => Some(i16::from_le_bytes([b[0], b[1]]) as i64),
            DType::I32 => Some(i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64),
            DType::F32 => Some(f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64),
            DType::F16 => Some(half::f16::from_le_bytes([b[0], b[1]]).to_f32() as i64),
            DType::BF16 => Some(half::bf16::from_le_bytes([b[0], b[1]]).to_f32() as i64),
        })
    }

    /// A variable as f32 values, dequantising int8/int16 with `<name>_scale`
    /// (CTranslate2 stores `q = round(w * scale)`, per row for int8, one scale for int16).
    pub fn read_f32(&mut self, name: &str) -> Result<(Vec<u32>, Vec<f32>)> {
        let v = self.require(name)?;
        let raw = self.read_raw(&v)?;
        let vals: Vec<f32> = match v.dtype {
            DType::F32 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            DType::F16 => raw
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            DType::BF16 => raw
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            DType::I8 | DType::I16 => {
                let scale_name = format!("{}_scale", v.name);
                let alias_scale = format!("{name}_scale");
                let scale_var = self
                    .get(&scale_name)
                    .or_else(|| self.get(&alias_scale))
                    .cloned()
                    .ok_or_else(|| {
                        Error::unsupported(
                            &self.path,
                            format!("quantized variable {name} has no {scale_name}"),
                        )
                    })?;
                let (_, scales) = self.read_f32(&scale_var.name)?;
                let q: Vec<f32> = if v.dtype == DType::I8 {
                    raw.iter().map(|&b| b as i8 as f32).collect()
                } else {
                    raw.chunks_exact(2)
                        .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32)
                        .collect()
                };
                let rows = if v.shape.is_empty() {
                    1
                } else {
                    v.shape[0] as usize
                };
                let cols = q.len().checked_div(rows).unwrap_or(0);
                if scales.len() == 1 {
                    let s = scales[0];
                    if s == 0.0 {
                        return Err(Error::invalid(&self.path, format!("{scale_name} is zero")));
                    }
                    q.iter().map(|&x| x / s).collect()
                } else if scales.len() == rows {
                    let mut out = Vec::with_capacity(q.len());
                    for (r, row) in q.chunks(cols.max(1)).enumerate() {
                        let s = scales[r];
                        let s = if s == 0.0 { 1.0 } else { s };
                        out.extend(row.iter().map(|&x| x / s));
                    }
                    out
                } else {
                    return Err(Error::invalid(
                        &self.path,
                        format!(
                            "{scale_name} has {} values for {rows} rows of {name}",
                            scales.len()
                        ),
                    ));
                }
            }
            DType::I32 => raw
                .chunks_exact(4)
                .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32)
                .collect(),
        };
        Ok((v.shape.clone(), vals))
    }
}
