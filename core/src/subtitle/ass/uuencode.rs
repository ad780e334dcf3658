//! The `[Fonts]` / `[Graphics]` encoding of ASS: each byte group of three is
//! written as four characters `33 + 6 bits`, 80 characters a line; a last
//! group of one or two bytes takes two or three characters.

/// Decode the data lines of one embedded file.
pub fn decode(lines: &[&str]) -> Vec<u8> {
    let chars: Vec<u8> = lines.iter().flat_map(|l| l.trim().bytes()).collect();
    let mut out = Vec::with_capacity(chars.len() * 3 / 4);
    let value = |c: u8| u32::from(c.wrapping_sub(33) & 63);
    for chunk in chars.chunks(4) {
        let mut v = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            v |= value(*c) << (18 - 6 * i);
        }
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        let n = match chunk.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[..n]);
    }
    out
}

/// Encode bytes into lines of at most 80 characters.
pub fn encode(data: &[u8]) -> Vec<String> {
    let mut chars = Vec::with_capacity(data.len() * 4 / 3 + 4);
    for chunk in data.chunks(3) {
        let mut v = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            v |= u32::from(*b) << (16 - 8 * i);
        }
        let n = chunk.len() + 1;
        for i in 0..n {
            chars.push((((v >> (18 - 6 * i)) & 63) as u8 + 33) as char);
        }
    }
    chars.chunks(80).map(|c| c.iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_every_tail_length() {
        for len in 0..10 {
            let data: Vec<u8> = (0..len as u8).map(|i| i.wrapping_mul(97).wrapping_add(13)).collect();
            let lines = super::encode(&data);
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            assert_eq!(super::decode(&refs), data, "length {len}");
        }
    }
}
