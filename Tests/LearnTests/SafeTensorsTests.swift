import Foundation
import Testing
@testable import Learn
import SimCore

/// A fresh temporary directory for one test.
private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("learn-safetensors-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The bytes of a file: 8-byte little-endian length of `header`, `header`, then `data`.
private func file(_ header: String, _ data: [UInt8] = []) -> [UInt8] {
    let h = Array(header.utf8)
    var out = (0 ..< 8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) }
    out += h
    out += data
    return out
}

private func floats(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0 ..< 4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
}

/// The error thrown by decoding `bytes`.
private func decodeError(_ bytes: [UInt8]) -> SafeTensorsError? {
    do { _ = try SafeTensors.decode(bytes, path: "x.safetensors"); return nil } catch let e as SafeTensorsError { return e } catch { return nil }
}

@Suite("SafeTensors")
struct SafeTensorsTests {
    /// Header `{"__metadata__":{"k":"v"},"a":{…[0,4]},"b":{…[4,12]}}` is 135 bytes, padded with one
    /// space to 136 = 0x88; data: a = 0.5 (0x3F000000), b = 1 (0x3F800000), −2 (0xC0000000), little-endian.
    @Test("byte layout of a file matches one built by hand")
    func layout() throws {
        let bytes = try SafeTensors.encode([(name: "b", tensor: Tensor(shape: [2], values: [1, -2])),
                                            (name: "a", tensor: Tensor(shape: [1, 1], values: [0.5]))],
                                           metadata: ["k": "v"])
        let header = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}} "#
        var expected: [UInt8] = [0x88, 0, 0, 0, 0, 0, 0, 0]
        expected += Array(header.utf8)
        expected += [0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]
        #expect(header.utf8.count == 136)
        #expect(bytes == expected)
    }

    @Test("reads a hand-made file with spaces in its JSON and no metadata")
    func readsForeignFile() throws {
        let bytes = file(#"{"w": {"dtype": "F32", "shape": [2, 1], "data_offsets": [0, 8]}, "s": {"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#,
                         floats([3.5, -1, 7]))
        let (tensors, metadata) = try SafeTensors.decode(bytes)
        #expect(metadata.isEmpty)
        #expect(tensors["w"] == Tensor(shape: [2, 1], values: [3.5, -1]))
        #expect(tensors["s"] == Tensor(shape: [], values: [7]))
    }

    @Test("round trip through a file: identical values bit for bit, metadata, atomic write")
    func roundTrip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rng = RandomStreams(seed: 21).stream("learn/safetensors")
        var w = Tensor.zeros([17, 5])
        Initializer.xavierNormal(&w, rng: rng)
        let special = Tensor(shape: [7], values: [-0.0, .infinity, -.infinity, .leastNonzeroMagnitude,
                                                  .greatestFiniteMagnitude, Float(bitPattern: 0x7FC0_1234), 1])
        let empty = Tensor.zeros([0, 3])
        let path = dir.appendingPathComponent("m.safetensors").path
        let metadata = ["note": "quote \" backslash \\ newline \n tab \t ctl \u{01} é ✓", "a": "1"]
        try SafeTensors.save([(name: "layer.0.weight", tensor: w), (name: "special", tensor: special),
                              (name: "empty", tensor: empty)], metadata: metadata, to: path)
        // Overwrite in place (rename over an existing file).
        try SafeTensors.save([(name: "layer.0.weight", tensor: w), (name: "special", tensor: special),
                              (name: "empty", tensor: empty)], metadata: metadata, to: path)
        let (tensors, meta) = try SafeTensors.load(path: path)
        #expect(meta == metadata)
        #expect(tensors.count == 3)
        #expect(tensors["layer.0.weight"]?.shape == [17, 5])
        #expect(tensors["layer.0.weight"]?.values.map(\.bitPattern) == w.values.map(\.bitPattern))
        #expect(tensors["special"]?.values.map(\.bitPattern) == special.values.map(\.bitPattern))
        #expect(tensors["empty"]?.shape == [0, 3])
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.safetensors"])
        // Header length is a multiple of 8.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Int(bytes[0]) % 8 == 0)
    }

    @Test("save rejects bad names")
    func badNames() {
        let t = Tensor.zeros([1])
        #expect(throws: SafeTensorsError.invalidName(path: "<memory>", tensor: "a", reason: "appears twice")) {
            try SafeTensors.encode([(name: "a", tensor: t), (name: "a", tensor: t)])
        }
        #expect(throws: SafeTensorsError.invalidName(path: "<memory>", tensor: "__metadata__", reason: "reserved for metadata")) {
            try SafeTensors.encode([(name: "__metadata__", tensor: t)])
        }
        #expect(throws: SafeTensorsError.invalidName(path: "<memory>", tensor: "", reason: "empty")) {
            try SafeTensors.encode([(name: "", tensor: t)])
        }
    }

    @Test("every malformed file gives its own error naming the file and tensor")
    func errors() throws {
        let p = "x.safetensors"
        let entry = { (offsets: String) in #"{"t":{"dtype":"F32","shape":[2],"data_offsets":\#(offsets)}}"# }
        #expect(decodeError([1, 2, 3]) == .fileTooShort(path: p, size: 3))
        var huge = file("{}"); huge[0] = 0xFF; huge[7] = 0x01
        if case .headerLengthOutOfRange(p, _, 10)? = decodeError(huge) {} else { Issue.record("huge header length") }
        #expect(decodeError([100, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]) == .headerLengthOutOfRange(path: p, headerLength: 100, fileSize: 10))
        #expect(decodeError([2, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFE]) == .invalidHeader(path: p, reason: "not valid UTF-8"))
        if case .invalidHeader(p, let r)? = decodeError(file("{not json")) { #expect(r.hasPrefix("not JSON")) } else { Issue.record("not JSON") }
        #expect(decodeError(file("[1, 2]")) == .invalidHeader(path: p, reason: "does not start with '{'"))
        #expect(decodeError(file(#"{"__metadata__":[1]}"#)) == .invalidHeader(path: p, reason: "__metadata__ is not an object"))
        #expect(decodeError(file(#"{"__metadata__":{"n":1}}"#)) == .invalidHeader(path: p, reason: "__metadata__ value of \"n\" is not a string"))
        #expect(decodeError(file(#"{"t":3}"#)) == .invalidTensorEntry(path: p, tensor: "t", reason: "entry is not a JSON object"))
        #expect(decodeError(file(#"{"t":{"shape":[1],"data_offsets":[0,4]}}"#, floats([1])))
                == .invalidTensorEntry(path: p, tensor: "t", reason: "missing or non-string \"dtype\""))
        #expect(decodeError(file(#"{"t":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, [0, 0, 0, 0]))
                == .unsupportedDType(path: p, tensor: "t", dtype: "F16"))
        for shape in ["[-1]", "[1.5]", "[true]", "\"2\"", "[\"2\"]"] {
            #expect(decodeError(file(#"{"t":{"dtype":"F32","shape":\#(shape),"data_offsets":[0,4]}}"#, floats([1])))
                    == .invalidTensorEntry(path: p, tensor: "t", reason: "\"shape\" is not an array of non-negative integers"), "shape \(shape)")
        }
        for offsets in ["[0]", "[0,8,9]", "[0.5,8]", "null"] {
            #expect(decodeError(file(entry(offsets), floats([1, 2])))
                    == .invalidTensorEntry(path: p, tensor: "t", reason: "\"data_offsets\" is not an array of two integers"), "offsets \(offsets)")
        }
        #expect(decodeError(file(entry("[8,0]"), floats([1, 2])))
                == .invalidOffsets(path: p, tensor: "t", reason: "[8, 0] is not an interval"))
        #expect(decodeError(file(entry("[0,12]"), floats([1, 2])))
                == .invalidOffsets(path: p, tensor: "t", reason: "[0, 12] ends beyond the 8-byte data section"))
        #expect(decodeError(file(entry("[0,4]"), floats([1])))
                == .invalidOffsets(path: p, tensor: "t", reason: "[0, 4] holds 4 bytes but shape [2] of F32 needs 8"))
        #expect(decodeError(file(entry("[4,12]"), floats([0, 1, 2])))
                == .dataNotCovered(path: p, reason: "bytes 0..<4 of the data section belong to no tensor (before \"t\")"))
        #expect(decodeError(file(entry("[0,8]"), floats([1, 2, 3])))
                == .dataNotCovered(path: p, reason: "the data section has 12 bytes but the tensors cover 8"))
        let overlap = #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"u":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(decodeError(file(overlap, floats([1, 2])))
                == .dataNotCovered(path: p, reason: "tensor \"u\" at 4 overlaps the previous tensor ending at 8"))
        // Descriptions name the file and tensor.
        let message = SafeTensorsError.unsupportedDType(path: p, tensor: "t", dtype: "BF16").description
        #expect(message.contains(p) && message.contains("\"t\"") && message.contains("BF16"))
        // A missing file.
        if case .io(let path, _)? = { () -> SafeTensorsError? in
            do { _ = try SafeTensors.load(path: "/nonexistent/m.safetensors"); return nil } catch { return error as? SafeTensorsError }
        }() { #expect(path == "/nonexistent/m.safetensors") } else { Issue.record("missing file") }
    }
}

@Suite("SafeTensors model checkpoint")
struct SafeTensorsCheckpointTests {
    let configuration = ["model": "mlp", "layers": "2-4-1"]

    private func model(seed: UInt64, hidden: Int = 4) -> [Parameter] {
        let rng = RandomStreams(seed: seed).stream("learn/checkpoint")
        var w0 = Tensor.zeros([hidden, 2]), w1 = Tensor.zeros([1, hidden])
        Initializer.kaimingUniform(&w0, rng: rng)
        Initializer.xavierUniform(&w1, rng: rng)
        return [Parameter(name: "mlp.0.weight", value: w0), Parameter(name: "mlp.0.bias", value: .zeros([hidden])),
                Parameter(name: "mlp.1.weight", value: w1), Parameter(name: "mlp.1.bias", value: Tensor(shape: [1], values: [0.25]))]
    }

    private func loadError(_ parameters: [Parameter], _ configuration: [String: String], _ path: String) -> CheckpointError? {
        do { try ModelCheckpoint.load(into: parameters, expecting: configuration, from: path); return nil } catch { return error as? CheckpointError }
    }

    @Test("save then load restores every parameter bit for bit and stores the version")
    func roundTrip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.safetensors").path
        let saved = model(seed: 1)
        try ModelCheckpoint.save(parameters: saved, configuration: configuration, to: path)
        let (_, metadata) = try SafeTensors.load(path: path)
        #expect(metadata == ["model": "mlp", "layers": "2-4-1", "format_version": "1"])
        let fresh = model(seed: 2)
        #expect(fresh[0].value != saved[0].value)
        let found = try ModelCheckpoint.load(into: fresh, expecting: configuration, from: path)
        #expect(found == configuration)
        for (a, b) in zip(saved, fresh) {
            #expect(a.value.shape == b.value.shape)
            #expect(a.value.values.map(\.bitPattern) == b.value.values.map(\.bitPattern))
        }
    }

    @Test("a mismatched architecture, version or name is a clear error and loads nothing")
    func errors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.safetensors").path
        try ModelCheckpoint.save(parameters: model(seed: 1), configuration: configuration, to: path)

        let target = model(seed: 3)
        let before = target.map { $0.value }
        #expect(loadError(target, ["model": "mlp", "layers": "2-8-1"], path)
                == .configurationMismatch(path: path, key: "layers", expected: "2-8-1", found: "2-4-1"))
        #expect(loadError(target, ["model": "mlp"], path)
                == .configurationMismatch(path: path, key: "layers", expected: nil, found: "2-4-1"))
        #expect(loadError(target, configuration.merging(["activation": "relu"]) { a, _ in a }, path)
                == .configurationMismatch(path: path, key: "activation", expected: "relu", found: nil))
        #expect(loadError(model(seed: 3, hidden: 8), configuration, path)
                == .shapeMismatch(path: path, name: "mlp.0.weight", expected: [8, 2], found: [4, 2]))
        let extra = target + [Parameter(name: "mlp.2.weight", value: .zeros([1, 1]))]
        #expect(loadError(extra, configuration, path) == .missingParameter(path: path, name: "mlp.2.weight", expectedShape: [1, 1]))
        #expect(loadError(Array(target.prefix(3)), configuration, path)
                == .unexpectedParameter(path: path, name: "mlp.1.bias", shape: [1]))
        #expect(loadError(target + [target[0]], configuration, path) == .duplicateParameterName(path: path, name: "mlp.0.weight"))
        #expect(target.map { $0.value } == before, "a failed load must not change the parameters")

        let message = CheckpointError.configurationMismatch(path: path, key: "layers", expected: "2-8-1", found: "2-4-1").description
        #expect(message.contains("layers") && message.contains("\"2-8-1\"") && message.contains("\"2-4-1\"") && message.contains(path))

        // Versions.
        let v2 = dir.appendingPathComponent("v2.safetensors").path
        try SafeTensors.save(target.map { (name: $0.name, tensor: $0.value) },
                             metadata: configuration.merging(["format_version": "2"]) { a, _ in a }, to: v2)
        #expect(loadError(target, configuration, v2) == .unsupportedVersion(path: v2, found: "2", supported: "1"))
        let none = dir.appendingPathComponent("none.safetensors").path
        try SafeTensors.save(target.map { (name: $0.name, tensor: $0.value) }, metadata: configuration, to: none)
        #expect(loadError(target, configuration, none) == .missingVersion(path: none))

        // Saving.
        #expect(throws: CheckpointError.reservedConfigurationKey(path: path, key: "format_version")) {
            try ModelCheckpoint.save(parameters: target, configuration: ["format_version": "9"], to: path)
        }
        #expect(throws: CheckpointError.duplicateParameterName(path: path, name: "mlp.0.weight")) {
            try ModelCheckpoint.save(parameters: target + [target[0]], configuration: configuration, to: path)
        }
    }
}
