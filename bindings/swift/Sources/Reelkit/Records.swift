// Hand-written (the other files in this folder are generated): how the
// core's records, which cross the FFI boundary as JSON, become the Codable
// types of ReelkitTypes.swift (see uniffi.toml), and the few computed
// properties those records had before they were generated.

import Foundation

/// Decodes a record the library sent as JSON.
func reelkitDecode<T: Decodable>(_ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

/// Encodes a record for the library (plain structs: encoding cannot fail).
func reelkitEncode<T: Encodable>(_ value: T) -> String {
    guard let data = try? JSONEncoder().encode(value) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

extension Transcript {
    /// The full text, segments joined by spaces.
    public var text: String {
        segments.map { $0.text.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension ProgressEvent {
    /// `done / total` clamped to `0...1`, when the total is known.
    public var fraction: Double? {
        guard let total = total, total > 0 else { return nil }
        return min(max(done / total, 0), 1)
    }
}

extension Speech {
    /// Length in seconds.
    public var duration: Double {
        Double(samples.count) / Double(max(sampleRate, 1))
    }
}

extension ClipsReport {
    /// The report as JSON (the content of `clips.json`).
    public var json: String { reelkitEncode(self) }
}

extension DubReport {
    /// The report as JSON (what `reelkit dub` prints).
    public var json: String { reelkitEncode(self) }
}
