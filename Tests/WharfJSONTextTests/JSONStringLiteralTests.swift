import Foundation
import Testing
import WharfJSONText

@Suite struct JSONStringLiteralTests {
    func decode(_ text: String) throws -> (String, Int) {
        try decode(bytes: Array(text.utf8))
    }

    func decode(bytes: [UInt8], validating: Bool = true) throws -> (String, Int) {
        try bytes.withUnsafeBytes { raw in
            let (decoded, end) = try JSONStringLiteral.decode(raw, openingQuoteAt: 0, validatingUTF8: validating)
            return (decoded, end)
        }
    }

    @Test func plainAndEscapedStrings() throws {
        #expect(try decode(#""abc" tail"#) == ("abc", 5))
        #expect(try decode(#""""#) == ("", 2))
        #expect(try decode(#""a\"b\\c\/d\b\f\n\r\t""#).0 == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(try decode(#""caf\u00e9 \u20AC \ud83d\ude00""#).0 == "café € 😀")
        #expect(try decode("\"naïve 日本\"").0 == "naïve 日本")
        #expect(try decode(#""x\u0041y","#) == ("xAy", 10))
    }

    @Test func errorsNameTheProblemAndOffset() {
        let cases: [(String, JSONStringError)] = [
            (#""abc"#, JSONStringError(.unterminated, at: 0)),
            (#""ab\"#, JSONStringError(.unterminated, at: 0)),
            ("\"a\u{01}\"", JSONStringError(.controlCharacter, at: 2)),
            (#""a\x""#, JSONStringError(.unknownEscape(UInt8(ascii: "x")), at: 2)),
            (#""\u12""#, JSONStringError(.shortUnicodeEscape, at: 3)),
            (#""\u12G4""#, JSONStringError(.badHexDigit, at: 5)),
            (#""\ud83d""#, JSONStringError(.unpairedSurrogate, at: 1)),
            (#""\ud83d\u0041""#, JSONStringError(.unpairedSurrogate, at: 1)),
            (#""\ude00""#, JSONStringError(.unpairedSurrogate, at: 1)),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text)") { _ = try decode(text) }
        }
        #expect(JSONStringError(.unknownEscape(UInt8(ascii: "x")), at: 0).message == "unknown escape '\\x'")
    }

    @Test func invalidUTF8IsAnErrorOrReplaced() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        #expect(throws: JSONStringError(.invalidUTF8, at: 1)) { _ = try decode(bytes: bytes) }
        #expect(try decode(bytes: bytes, validating: false) == ("a\u{FFFD}b", 5))
        // The escaped path checks too.
        #expect(throws: JSONStringError(.invalidUTF8, at: 1)) { _ = try decode(bytes: [0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
    }

    /// Every string Foundation's encoder writes decodes back to itself.
    @Test func roundTripsFoundationsEncoding() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "€", "😀", "日"]
        for _ in 0..<300 {
            let original = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let encoded = String(decoding: try JSONEncoder().encode(original), as: UTF8.self)
            #expect(try decode(encoded) == (original, encoded.utf8.count))
        }
    }
}
