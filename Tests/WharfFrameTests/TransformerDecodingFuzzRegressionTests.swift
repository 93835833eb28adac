import Foundation
import Testing
@testable import WharfFrame

/// A model file the `model` fuzz target (Fuzz/corpus/model) made: preprocessing whose learned values name
/// other columns than it transforms passed the "fitted" check (the counts matched) and then trapped on a
/// force unwrap, so `wharf predict` on a damaged model file died instead of reporting it.
@Suite struct TransformerDecodingFuzzRegressionTests {
    let frame = try! CSVReader.read(string: "a,b\nx,1\ny,2\n")

    @Test func rareLevelMapperWithLevelsOfAnotherColumnIsAnError() throws {
        let json = #"{"columns": ["a"], "minShare": 0.1, "otherLabel": "others", "kept": {"zz": ["x"]}}"#
        let mapper = try JSONDecoder().decode(RareLevelMapper.self, from: Data(json.utf8))
        let error = #expect(throws: FrameError.self) { try mapper.transform(frame) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.field == RareLevelMapper.kind)
    }

    @Test func encodersAndScalersWithValuesOfAnotherColumnAreErrors() throws {
        let fitted = try CSVReader.read(string: "zz,b\nx,1\ny,2\n")
        var ordinal = OrdinalEncoder(columns: ["zz"])
        try ordinal.fit(fitted)
        let renamed = try JSONDecoder().decode(OrdinalEncoder.self, from: Data(
            String(decoding: try JSONEncoder().encode(ordinal), as: UTF8.self).replacingOccurrences(of: #"["zz"]"#, with: #"["a"]"#).utf8))
        #expect(throws: FrameError.self) { try renamed.transform(frame) }
        var scaler = MinMaxScaler(columns: ["b"])
        try scaler.fit(fitted)
        let moved = try JSONDecoder().decode(MinMaxScaler.self, from: Data(
            String(decoding: try JSONEncoder().encode(scaler), as: UTF8.self).replacingOccurrences(of: #"["b"]"#, with: #"["a"]"#).utf8))
        #expect(throws: FrameError.self) { try moved.transform(frame) }
    }
}
