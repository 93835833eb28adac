import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import WharfPlatform
@testable import WharfServer

/// The conventions every service inherits from the seam, through a service declared here the way a
/// face declares its operations: page tokens bound to their listing, ClientToken idempotency,
/// timestamps in each protocol's form.
@Suite struct AWSSeamTests {
    struct ListNumbersInput: AWSShape {
        var Prefix: String?
        var NextToken: String?
        var MaxResults: Int?
    }

    struct ListNumbersOutput: AWSShape {
        var Numbers: [String]
        var NextToken: String?
    }

    struct CreateThingInput: AWSShape {
        var Name: String
        var ClientToken: String?
    }

    struct CreateThingOutput: AWSShape {
        var ThingId: String
        var ThingArn: String
    }

    struct StampOutput: AWSShape {
        var At: Date
    }

    static let created = Mutex(0)
    static let stamp = Date(timeIntervalSince1970: 1_767_323_045)

    static func declare(_ service: inout AWSService) {
        service.operation("ListNumbers", access: .read, http: AWSHTTPBinding(.get, "/numbers", query: ["Prefix": "prefix", "NextToken": "token", "MaxResults": "max"])) {
            (input: ListNumbersInput, call) -> ListNumbersOutput in
            let page = try call.page(token: input.NextToken, limit: input.MaxResults, defaultLimit: 10, maximumLimit: 100)
            let all = (1...25).map { "n" + String(format: "%03d", $0) }.filter { $0.hasPrefix(input.Prefix ?? "") }
            let rest = all.filter { page.cursor == nil || $0 > page.cursor! }
            let numbers = Array(rest.prefix(page.limit))
            return ListNumbersOutput(Numbers: numbers, NextToken: rest.count > page.limit ? page.nextToken(after: numbers.last!) : nil)
        }
        service.operation("CreateThing", access: .write, http: AWSHTTPBinding(.post, "/things")) { (input: CreateThingInput, call) -> CreateThingOutput in
            try await call.idempotent(clientToken: input.ClientToken) {
                created.withLock { $0 += 1 }
                let id = UUID().uuidString
                return CreateThingOutput(ThingId: id, ThingArn: try await call.arn("thing/\(input.Name)").description)
            }
        }
        service.operation("Stamp", access: .read, http: AWSHTTPBinding(.get, "/stamp")) { (_: AWSEmpty, _) -> StampOutput in
            StampOutput(At: stamp)
        }
    }

    static func registry() -> AWSOperationRegistry {
        var json = AWSService(signingName: "seamjson", title: "Seam JSON", apiVersion: "2026-01-01", protocol: .awsJson1_1(targetPrefix: "Seam"))
        var query = AWSService(signingName: "seamquery", title: "Seam Query", apiVersion: "2026-01-01", protocol: .awsQuery(xmlNamespace: "https://seam/"))
        var rest = AWSService(signingName: "seamrest", title: "Seam REST", apiVersion: "2026-01-01", protocol: .restJson1)
        declare(&json)
        declare(&query)
        declare(&rest)
        return AWSOperationRegistry([json, query, rest])
    }

    func withSeam(_ body: @Sendable (AWSTestClient, AWSTestClient, Platform) async throws -> Void) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-seam-\(UUID().uuidString)")
        let platform = try await Platform.open(PlatformConfiguration(home: home))
        let writer = AWSTestCredentials(try await platform.keys.create(name: "w", role: .write))
        let reader = AWSTestCredentials(try await platform.keys.create(name: "r", role: .read))
        let router = Router(context: WharfRequestContext.self)
        router.middlewares.add(AWSFrontDoor(platform: platform, access: AccessPolicy(keys: platform.keys, loopbackOnly: true), registry: Self.registry()))
        try await Application(router: router).test(.router) { client in
            try await body(AWSTestClient(client: client, credentials: writer), AWSTestClient(client: client, credentials: reader), platform)
        }
        try await platform.close()
    }

    @Test func pageTokensWalkAListingAndCannotBeCarriedIntoAnother() async throws {
        try await withSeam { writer, _, _ in
            var seen: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let body = token.map { "{\"MaxResults\":10,\"NextToken\":\"\($0)\"}" } ?? "{\"MaxResults\":10}"
                let response = try await writer.json("seamjson", target: "Seam.ListNumbers", body: body)
                #expect(response.status == .ok, "\(response.text)")
                seen += response.body.json["Numbers"] as? [String] ?? []
                token = response.body.json["NextToken"] as? String
                pages += 1
            } while token != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == (1...25).map { "n" + String(format: "%03d", $0) })

            let first = try await writer.json("seamjson", target: "Seam.ListNumbers", body: "{\"Prefix\":\"n0\",\"MaxResults\":5}")
            let issued = try #require(first.body.json["NextToken"] as? String)
            let other = try await writer.json("seamjson", target: "Seam.ListNumbers", body: "{\"Prefix\":\"n01\",\"MaxResults\":5,\"NextToken\":\"\(issued)\"}")
            #expect(other.awsErrorCode == "InvalidNextTokenException")
            let resized = try await writer.json("seamjson", target: "Seam.ListNumbers", body: "{\"Prefix\":\"n0\",\"MaxResults\":7,\"NextToken\":\"\(issued)\"}")
            #expect(resized.status == .ok, "a page size change keeps the listing: \(resized.text)")
            let parts = issued.split(separator: ".")
            let forgedCursor = Data("n020".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            let forged = try await writer.json("seamjson", target: "Seam.ListNumbers", body: "{\"Prefix\":\"n0\",\"NextToken\":\"\(forgedCursor).\(parts[1])\"}")
            #expect(forged.awsErrorCode == "InvalidNextTokenException")
            let garbage = try await writer.rest("seamrest", .get, "/numbers", query: "token=%25%25%25")
            #expect(garbage.awsErrorCode == "InvalidNextTokenException")
            let tooMany = try await writer.query("seamquery", form: "Action=ListNumbers&MaxResults=0")
            #expect(tooMany.awsErrorCode == "ValidationError")
            #expect(tooMany.text.contains("MaxResults"))
            let restPage = try await writer.rest("seamrest", .get, "/numbers", query: "prefix=n02&max=2")
            #expect(restPage.body.json["Numbers"] as? [String] == ["n020", "n021"])
            let queryPage = try await writer.query("seamquery", form: "Action=ListNumbers&Prefix=n02&MaxResults=2")
            #expect(queryPage.text.contains("<Numbers><member>n020</member><member>n021</member></Numbers>"))
        }
    }

    @Test func aClientTokenMakesARetryReturnTheFirstResult() async throws {
        try await withSeam { writer, reader, _ in
            let before = Self.created.withLock { $0 }
            let first = try await writer.json("seamjson", target: "Seam.CreateThing", body: "{\"Name\":\"a\",\"ClientToken\":\"tok-1\"}")
            let again = try await writer.json("seamjson", target: "Seam.CreateThing", body: "{\"Name\":\"a\",\"ClientToken\":\"tok-1\"}")
            #expect(first.status == .ok)
            #expect(first.body.json["ThingId"] as? String == again.body.json["ThingId"] as? String)
            let arn = try #require(first.body.json["ThingArn"] as? String)
            #expect(arn.hasPrefix("arn:aws:seamjson:us-east-1:"))
            #expect(try #require(ARN(parsing: arn)).account.count == 12)
            let mismatch = try await writer.json("seamjson", target: "Seam.CreateThing", body: "{\"Name\":\"b\",\"ClientToken\":\"tok-1\"}")
            #expect(mismatch.awsErrorCode == "IdempotentParameterMismatchException")
            let untokened1 = try await writer.json("seamjson", target: "Seam.CreateThing", body: "{\"Name\":\"a\"}")
            let untokened2 = try await writer.json("seamjson", target: "Seam.CreateThing", body: "{\"Name\":\"a\"}")
            #expect(untokened1.body.json["ThingId"] as? String != untokened2.body.json["ThingId"] as? String)
            #expect(Self.created.withLock { $0 } - before == 3)
            #expect(try await reader.json("seamjson", target: "Seam.CreateThing", body: "{\"Name\":\"a\"}").awsErrorCode == "AccessDeniedException")
        }
    }

    @Test func timestampsTakeEachProtocolsForm() async throws {
        try await withSeam { writer, _, _ in
            let json = try await writer.json("seamjson", target: "Seam.Stamp", body: "")
            #expect(json.text == "{\"At\":1767323045}")
            let rest = try await writer.rest("seamrest", .get, "/stamp")
            #expect(rest.text == "{\"At\":1767323045}")
            let query = try await writer.query("seamquery", form: "Action=Stamp")
            #expect(query.text.contains("<StampResult><At>2026-01-02T03:04:05Z</At></StampResult>"))
        }
    }

    @Test func valuesRoundTripThroughTheShapeCoders() throws {
        struct Nested: AWSShape, Equatable {
            var Name: String
            var Count: Int64
            var Ratio: Double?
            var Flags: [Bool]
            var Tags: [String: String]
            var Blob: Data
            var When: Date
        }
        let value = Nested(Name: "caf\u{e9} \"q\"\n", Count: 9_007_199_254_740_993, Ratio: 0.25, Flags: [true, false], Tags: ["k": "v"],
                           Blob: Data([0, 255, 7]), When: Date(timeIntervalSince1970: 1_700_000_000.5))
        let encoded = try AWSValueEncoder().encode(value)
        let bytes = AWSJSON.bytes(encoded)
        let decoded = try AWSValueDecoder().decode(Nested.self, from: try AWSJSON.parse(bytes))
        #expect(decoded == value)
        #expect(throws: AWSShapeError.self) { try AWSJSON.parse(Array(String(repeating: "[", count: 100).utf8)) }
        #expect(throws: AWSShapeError.missingMember("Name")) { try AWSValueDecoder().decode(Nested.self, from: .structure([])) }
    }
}
