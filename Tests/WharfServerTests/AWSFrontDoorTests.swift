import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WharfObjectStore
import WharfPlatform
@testable import WharfServer

/// The AWS front door through the real router: routing by signing name, each protocol's error shape,
/// the role rule, STS and temporary credentials (on S3 too).
@Suite struct AWSFrontDoorTests {
    @Test func getCallerIdentityNamesTheKeyAndOneAccount() async throws {
        let aws = try await AWSTestServer.make()
        try await aws.server.test { client in
            let sts = AWSTestClient(client: client, credentials: aws.writer)
            var accounts: Set<String> = []
            for _ in 0..<2 {
                let response = try await sts.query("sts", form: "Action=GetCallerIdentity&Version=2011-06-15")
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/xml")
                let text = response.text
                #expect(text.contains("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"))
                #expect(text.contains("<UserId>\(aws.writer.accessKeyId)</UserId>"))
                let account = try #require(text.range(of: "<Account>").map { String(text[$0.upperBound...].prefix(12)) })
                #expect(account.count == 12 && account.allSatisfy(\.isNumber))
                #expect(text.contains("<Arn>arn:aws:iam::\(account):user/\(aws.writer.accessKeyId)</Arn>"))
                #expect(text.contains("<RequestId>\(try #require(response.requestId))</RequestId>"))
                accounts.insert(account)
            }
            #expect(accounts.count == 1)
        }
    }

    @Test func aDateHeaderSignsInsteadOfXAmzDate() async throws {
        let aws = try await AWSTestServer.make()
        try await aws.server.test { client in
            let body = Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)
            let headers = aws.reader.sign(service: "sts", method: .post, path: "/", headers: [("content-type", "application/x-www-form-urlencoded")],
                                          body: body, useDateHeader: true)
            #expect(headers[HTTPField.Name("x-amz-date")!] == nil)
            let response = try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            #expect(response.status == .ok)
            #expect(response.text.contains("<UserId>\(aws.reader.accessKeyId)</UserId>"))
        }
    }

    @Test func s3AcceptsADateHeaderInsteadOfXAmzDate() async throws {
        let aws = try await AWSTestServer.make()
        try await aws.server.test { client in
            let headers = aws.writer.sign(service: "s3", method: .put, path: "/dated", headers: [("x-amz-content-sha256", SigV4.emptyPayloadHash)],
                                          body: [], useDateHeader: true)
            let created = try await client.execute(uri: "/dated", method: .put, headers: headers)
            #expect(created.status == .ok, "\(created.text)")
            var wrong = aws.writer
            wrong.secret = "nope"
            let refused = try await client.execute(uri: "/dated", method: .put, headers: wrong.sign(
                service: "s3", method: .put, path: "/dated", headers: [("x-amz-content-sha256", SigV4.emptyPayloadHash)], body: [], useDateHeader: true))
            #expect(refused.text.contains("<Code>SignatureDoesNotMatch</Code>"))
        }
    }

    @Test func badSignaturesGetTheProtocolsAuthErrors() async throws {
        let aws = try await AWSTestServer.make()
        try await aws.server.test { client in
            var wrong = aws.reader
            wrong.secret = "not-the-secret"
            let sts = try await AWSTestClient(client: client, credentials: wrong).query("sts", form: "Action=GetCallerIdentity&Version=2011-06-15")
            #expect(sts.status == .forbidden)
            #expect(sts.awsErrorCode == "SignatureDoesNotMatch")
            #expect(sts.text.contains("<ErrorResponse"))
            let logs = try await AWSTestClient(client: client, credentials: wrong).json("logs", target: "Logs_20140328.DescribeLogGroups", body: "{}")
            #expect(logs.status == .badRequest)
            #expect(logs.awsErrorCode == "InvalidSignatureException")
            let unknown = AWSTestCredentials(accessKeyId: "WKNOSUCHKEY000000000", secret: "x", sessionToken: nil)
            let lambda = try await AWSTestClient(client: client, credentials: unknown).rest("lambda", .get, "/2015-03-31/functions/")
            #expect(lambda.status == .forbidden)
            #expect(lambda.awsErrorCode == "UnrecognizedClientException")
            // Signed an hour ago: outside the 15 minutes allowed.
            let body = Array("{}".utf8)
            let stale = aws.reader.sign(service: "logs", method: .post, path: "/", headers: [("x-amz-target", "Logs_20140328.DescribeLogGroups")],
                                        body: body, date: Date().addingTimeInterval(-3600))
            let old = try await client.execute(uri: "/", method: .post, headers: stale, body: ByteBuffer(bytes: body))
            #expect(old.status == .badRequest)
            #expect(old.awsErrorCode == "InvalidSignatureException")
        }
    }

    /// For each protocol: an unknown operation, a malformed body and a missing member get that protocol's
    /// 4xx error shape naming the member, with a request id.
    @Test func eachProtocolAnswersBadRequestsInItsOwnShape() async throws {
        let aws = try await AWSTestServer.make()
        try await aws.server.test { client in
            let c = AWSTestClient(client: client, credentials: aws.admin)
            struct Case {
                let response: TestResponse
                let status: HTTPResponse.Status
                let code: String
                let mentions: String?
            }
            let cases: [Case] = [
                // awsJson1_1 (CloudWatch Logs)
                Case(response: try await c.json("logs", target: "Logs_20140328.NoSuchThing", body: "{}"), status: .badRequest, code: "UnknownOperationException", mentions: "NoSuchThing"),
                Case(response: try await c.json("logs", target: "Logs_20140328.DescribeLogGroups", body: "{\"limit\": "), status: .badRequest, code: "SerializationException", mentions: nil),
                Case(response: try await c.json("logs", target: "Logs_20140328.DeleteLogGroup", body: "{}"), status: .badRequest, code: "ValidationException", mentions: "logGroupName"),
                Case(response: try await c.json("logs", target: "Logs_20140328.DescribeLogGroups", body: "{\"limit\": \"ten\"}"), status: .badRequest, code: "SerializationException", mentions: "limit"),
                // awsJson1_0 (Step Functions)
                Case(response: try await c.json("states", target: "AWSStepFunctions.Nope", version: "1.0", body: "{}"), status: .badRequest, code: "UnknownOperationException", mentions: "Nope"),
                Case(response: try await c.json("states", target: "AWSStepFunctions.ListStateMachines", version: "1.0", body: "[1,"), status: .badRequest, code: "SerializationException", mentions: nil),
                Case(response: try await c.json("states", target: "AWSStepFunctions.DescribeStateMachine", version: "1.0", body: "{}"), status: .badRequest, code: "ValidationException", mentions: "stateMachineArn"),
                // restJson1 (Lambda, SageMaker Runtime)
                Case(response: try await c.rest("lambda", .get, "/2015-03-31/nothing-here"), status: .notFound, code: "UnknownOperationException", mentions: nil),
                Case(response: try await c.rest("lambda", .put, "/2015-03-31/functions/f/configuration", body: Array("{\"Timeout\":".utf8)), status: .badRequest, code: "InvalidRequestContentException", mentions: nil),
                Case(response: try await c.rest("lambda", .put, "/2015-03-31/functions/f/configuration", body: Array("{\"Timeout\":\"soon\"}".utf8)), status: .badRequest, code: "InvalidParameterValueException", mentions: "Timeout"),
                Case(response: try await c.rest("sagemaker", .post, "/endpoints/ep/invocations"), status: .badRequest, code: "ValidationError", mentions: "Body"),
                // awsQuery (STS)
                Case(response: try await c.query("sts", form: "Action=Frobnicate&Version=2011-06-15"), status: .badRequest, code: "InvalidAction", mentions: "Frobnicate"),
                Case(response: try await c.query("sts", form: "Version=2011-06-15"), status: .badRequest, code: "MissingAction", mentions: nil),
                Case(response: try await c.query("sts", form: "Action=AssumeRole&Tags.member.x.Key=a"), status: .badRequest, code: "MalformedQueryString", mentions: "Tags"),
                Case(response: try await c.query("sts", form: "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s"), status: .badRequest, code: "MissingParameter", mentions: "RoleArn"),
            ]
            for item in cases {
                #expect(item.response.status == item.status, "\(item.code): \(item.response.text)")
                #expect(item.response.awsErrorCode == item.code, "\(item.response.text)")
                #expect(item.response.requestId != nil)
                if let mentions = item.mentions { #expect(item.response.text.contains(mentions), "\(item.code) should name \(mentions): \(item.response.text)") }
            }
            let json = cases[0].response
            #expect(json.headers[.contentType] == "application/x-amz-json-1.1")
            #expect(json.body.json["__type"] as? String == "UnknownOperationException")
            #expect(cases[4].response.headers[.contentType] == "application/x-amz-json-1.0")
            #expect(cases[7].response.body.json["Type"] as? String == "User")
            #expect(cases[11].response.text.hasPrefix("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidAction</Code>"))
        }
    }

    @Test func rolesDecideWhichActionsAKeyMayCall() async throws {
        let aws = try await AWSTestServer.make()
        try await aws.server.test { client in
            let reader = AWSTestClient(client: client, credentials: aws.reader)
            let invoker = AWSTestClient(client: client, credentials: aws.invoker)
            let writer = AWSTestClient(client: client, credentials: aws.writer)
            // A read key lists but is denied every write, in each protocol's AccessDenied shape.
            #expect(try await reader.json("logs", target: "Logs_20140328.DescribeLogGroups", body: "{}").status == .ok)
            let deniedJSON = try await reader.json("logs", target: "Logs_20140328.DeleteLogGroup", body: "{\"logGroupName\":\"g\"}")
            #expect(deniedJSON.awsErrorCode == "AccessDeniedException")
            #expect(deniedJSON.text.contains("logs:DeleteLogGroup"))
            #expect(try await reader.json("states", target: "AWSStepFunctions.TagResource", version: "1.0", body: "{\"resourceArn\":\"x\",\"tags\":[]}").awsErrorCode == "AccessDeniedException")
            let deniedRest = try await reader.rest("lambda", .put, "/2015-03-31/functions/f/configuration", body: Array("{}".utf8))
            #expect(deniedRest.status == .forbidden)
            #expect(deniedRest.awsErrorCode == "AccessDeniedException")
            let deniedQuery = try await reader.query("sts", form: "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/R&RoleSessionName=s1")
            #expect(deniedQuery.status == .forbidden)
            #expect(deniedQuery.awsErrorCode == "AccessDenied")
            // The same writes pass the role check for a write key (and then find nothing).
            #expect(try await writer.json("logs", target: "Logs_20140328.DeleteLogGroup", body: "{\"logGroupName\":\"g\"}").awsErrorCode == "ResourceNotFoundException")
            #expect(try await writer.rest("lambda", .put, "/2015-03-31/functions/f/configuration", body: Array("{}".utf8)).awsErrorCode == "ResourceNotFoundException")
            // An invoke key invokes (and finds no endpoint, function or state machine) and does nothing else.
            let invoked = try await invoker.rest("sagemaker", .post, "/endpoints/churn/invocations", headers: [("content-type", "text/csv")], body: Array("1,2,3".utf8))
            #expect(invoked.awsErrorCode == "ValidationError")
            #expect(invoked.text.contains("Endpoint churn of account"))
            #expect(try await invoker.rest("lambda", .post, "/2015-03-31/functions/f/invocations", body: Array("{}".utf8)).awsErrorCode == "ResourceNotFoundException")
            #expect(try await invoker.json("states", target: "AWSStepFunctions.StartSyncExecution", version: "1.0",
                                           body: "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:m\"}").awsErrorCode == "StateMachineDoesNotExist")
            #expect(try await invoker.rest("lambda", .get, "/2015-03-31/functions/").awsErrorCode == "AccessDeniedException")
            #expect(try await invoker.json("logs", target: "Logs_20140328.DescribeLogGroups", body: "{}").awsErrorCode == "AccessDeniedException")
            #expect(try await invoker.query("sts", form: "Action=GetSessionToken").awsErrorCode == "AccessDenied")
            #expect(try await invoker.query("sts", form: "Action=GetCallerIdentity").status == .ok)
            let s3Headers = aws.invoker.sign(service: "s3", method: .get, path: "/", headers: [("x-amz-content-sha256", SigV4.emptyPayloadHash)], body: [])
            let s3 = try await client.execute(uri: "/", method: .get, headers: s3Headers)
            #expect(s3.status == .forbidden)
            #expect(s3.text.contains("<Code>AccessDenied</Code>"))
        }
    }

    @Test func assumedRoleCredentialsActWithTheKeysRoleOnS3AndNeedTheirToken() async throws {
        let aws = try await AWSTestServer.make()
        try await aws.server.test { client in
            let assumed = try await AWSTestClient(client: client, credentials: aws.writer).query(
                "sts", form: "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FTrainer&RoleSessionName=job-7&DurationSeconds=900")
            #expect(assumed.status == .ok, "\(assumed.text)")
            func element(_ name: String) throws -> String {
                let text = assumed.text
                let start = try #require(text.range(of: "<\(name)>"))
                let end = try #require(text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex))
                return String(text[start.upperBound..<end.lowerBound])
            }
            let session = AWSTestCredentials(accessKeyId: try element("AccessKeyId"), secret: try element("SecretAccessKey"), sessionToken: try element("SessionToken"))
            #expect(session.accessKeyId.hasPrefix("WS"))
            let expiration = try #require(AWSTimestamp.parse(try element("Expiration")))
            #expect(abs(expiration.timeIntervalSinceNow - 900) < 60)
            #expect(try element("Arn").hasSuffix(":assumed-role/Trainer/job-7"))

            let identity = try await AWSTestClient(client: client, credentials: session).query("sts", form: "Action=GetCallerIdentity")
            #expect(identity.text.contains("<UserId>\(aws.writer.accessKeyId):job-7</UserId>"))

            func s3(_ method: HTTPRequest.Method, _ path: String, _ credentials: AWSTestCredentials, sendToken: Bool = true, body: [UInt8] = []) async throws -> TestResponse {
                let headers = credentials.sign(service: "s3", method: method, path: path, headers: [("x-amz-content-sha256", SigV4.sha256Hex(body))],
                                               body: body, sendToken: sendToken)
                return try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: body))
            }
            #expect(try await s3(.put, "/scratch", session).status == .ok)
            #expect(try await s3(.put, "/scratch/model.bin", session, body: Array("weights".utf8)).status == .ok)
            let got = try await s3(.get, "/scratch/model.bin", session)
            #expect(got.status == .ok)
            #expect(got.text == "weights")
            let withoutToken = try await s3(.get, "/scratch/model.bin", session, sendToken: false)
            #expect(withoutToken.status == .badRequest)
            #expect(withoutToken.text.contains("<Code>InvalidToken</Code>"))
            var forged = session
            forged.sessionToken = String(repeating: "A", count: 96)
            #expect(try await s3(.get, "/scratch/model.bin", forged).text.contains("<Code>InvalidToken</Code>"))
            // A long-term key sending a session token is refused too.
            var keyWithToken = aws.writer
            keyWithToken.sessionToken = session.sessionToken
            #expect(try await AWSTestClient(client: client, credentials: keyWithToken).query("sts", form: "Action=GetCallerIdentity").awsErrorCode == "InvalidClientTokenId")
            // Temporary credentials cannot ask for another session token.
            #expect(try await AWSTestClient(client: client, credentials: session).query("sts", form: "Action=GetSessionToken").awsErrorCode == "AccessDenied")
        }
    }

    @Test func temporaryCredentialsStopAtTheirExpiry() async throws {
        let aws = try await AWSTestServer.make()
        let key = try await aws.server.platform.keys.get(aws.reader.accessKeyId)
        let issued = try await aws.server.platform.keys.issueTemporaryCredentials(for: key, durationSeconds: 900)
        let found = try #require(try await aws.server.platform.keys.signingCredential(forAccessKeyId: issued.accessKeyId))
        let credentials = AWSTestCredentials(accessKeyId: issued.accessKeyId, secret: issued.secretAccessKey, sessionToken: issued.sessionToken)
        let body = Array("Action=GetCallerIdentity".utf8)
        let expiry = Date(timeIntervalSince1970: TimeInterval(issued.expiresAt) / 1000)
        func verify(at now: Date) async throws {
            let fields = credentials.sign(service: "sts", method: .post, path: "/", headers: [], body: body, date: now)
            let request = SigV4Request(method: "POST", path: "/", headers: [("host", "localhost")] + fields.map { ($0.name.canonicalName, $0.value) })
            _ = try await SigV4Verifier(service: "sts").verify(request, now: now, bodySHA256: SigV4.sha256Hex(body)) { _ in found.sigV4 }
        }
        try await verify(at: expiry.addingTimeInterval(-5))
        await #expect(throws: SigV4Error.expiredToken) { try await verify(at: expiry.addingTimeInterval(1)) }
        try await aws.server.platform.close()
    }

    @Test func requestsForS3AndUnsignedRequestsGoToTheS3Face() async throws {
        let aws = try await AWSTestServer.make()
        try await aws.server.test { client in
            // Buckets named like restJson1 paths stay buckets for S3-signed calls.
            for bucket in ["endpoints", "2015-03-31"] {
                let headers = aws.writer.sign(service: "s3", method: .put, path: "/\(bucket)", headers: [("x-amz-content-sha256", SigV4.emptyPayloadHash)], body: [])
                let created = try await client.execute(uri: "/\(bucket)", method: .put, headers: headers)
                #expect(created.status == .ok, "\(created.text)")
            }
            let anonymous = try await client.execute(uri: "/endpoints/x/invocations", method: .post, body: ByteBuffer(string: "1"))
            #expect(anonymous.status == .forbidden)
            #expect(anonymous.text.contains("<Code>AccessDenied</Code>"))
            let healthz = try await client.execute(uri: "/healthz", method: .get)
            #expect(healthz.status == .ok)
            // A service Wharf does not serve gets an error it can read, not the S3 face.
            let dynamo = try await AWSTestClient(client: client, credentials: aws.reader).json("dynamodb", target: "DynamoDB_20120810.ListTables", version: "1.0", body: "{}")
            #expect(dynamo.status == .badRequest)
            #expect(dynamo.awsErrorCode == "UnknownOperationException")
            #expect(dynamo.text.contains("dynamodb"))
        }
    }

    @Test func anOpenServerAnswersWithoutCheckingSignatures() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let anyone = AWSTestCredentials(accessKeyId: "ANYONE", secret: "whatever", sessionToken: nil)
            let identity = try await AWSTestClient(client: client, credentials: anyone).query("sts", form: "Action=GetCallerIdentity")
            #expect(identity.status == .ok)
            #expect(identity.text.contains(":root</Arn>"))
            let assume = try await AWSTestClient(client: client, credentials: anyone).query(
                "sts", form: "Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/R&RoleSessionName=abc")
            #expect(assume.awsErrorCode == "AccessDenied")
        }
    }
}
