import Foundation

/// AWS Lambda on restJson1. Functions arrive with the functions issue; until then none exists, so
/// ListFunctions is empty and every named function is answered as AWS answers an unknown one.
enum LambdaFace {
    static func service() -> AWSService {
        var lambda = AWSService(
            signingName: "lambda", title: "AWS Lambda", apiVersion: "2015-03-31", protocol: .restJson1,
            errorCodes: [
                .malformedBody: AWSErrorName("InvalidRequestContentException", 400),
                .wrongType: AWSErrorName("InvalidRequestContentException", 400),
                .missingMember: AWSErrorName("InvalidParameterValueException", 400),
                .invalidValue: AWSErrorName("InvalidParameterValueException", 400),
                .invalidNextToken: AWSErrorName("InvalidParameterValueException", 400),
            ])
        lambda.operation(
            "ListFunctions", access: .read,
            http: AWSHTTPBinding(.get, "/2015-03-31/functions/", query: ["MasterRegion": "MasterRegion", "FunctionVersion": "FunctionVersion", "Marker": "Marker", "MaxItems": "MaxItems"]),
            documentation: "empty: no functions exist yet"
        ) { (input: ListFunctionsRequest, call) -> ListFunctionsResponse in
            _ = try call.page(token: input.Marker, tokenMember: "Marker", limit: input.MaxItems, limitMember: "MaxItems", defaultLimit: 50, maximumLimit: 10_000)
            return ListFunctionsResponse(Functions: [], NextMarker: nil)
        }
        lambda.operation(
            "GetFunction", access: .read,
            http: AWSHTTPBinding(.get, "/2015-03-31/functions/{FunctionName}", query: ["Qualifier": "Qualifier"]),
            documentation: "ResourceNotFoundException: no functions exist yet"
        ) { (input: GetFunctionRequest, call) -> AWSEmpty in
            throw try await notFound(input.FunctionName, call)
        }
        lambda.operation(
            "Invoke", access: .invoke,
            http: AWSHTTPBinding(
                .post, "/2015-03-31/functions/{FunctionName}/invocations", query: ["Qualifier": "Qualifier"],
                headers: ["InvocationType": "X-Amz-Invocation-Type", "LogType": "X-Amz-Log-Type", "ClientContext": "X-Amz-Client-Context"],
                payload: "Payload",
                responseHeaders: ["FunctionError": "X-Amz-Function-Error", "LogResult": "X-Amz-Log-Result", "ExecutedVersion": "X-Amz-Executed-Version"],
                responsePayload: "Payload", responseStatus: "StatusCode"),
            documentation: "ResourceNotFoundException: no functions exist yet"
        ) { (input: InvocationRequest, call) -> AWSEmpty in
            if let type = input.InvocationType, !["RequestResponse", "Event", "DryRun"].contains(type) {
                throw AWSError.invalid("invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
            }
            throw try await notFound(input.FunctionName, call)
        }
        lambda.operation(
            "UpdateFunctionConfiguration", access: .write,
            http: AWSHTTPBinding(.put, "/2015-03-31/functions/{FunctionName}/configuration"),
            documentation: "ResourceNotFoundException: no functions exist yet"
        ) { (input: UpdateFunctionConfigurationRequest, call) -> AWSEmpty in
            throw try await notFound(input.FunctionName, call)
        }
        return lambda
    }

    /// Lambda's answer for a function that does not exist, naming its full ARN.
    static func notFound(_ name: String, _ call: AWSCall) async throws -> AWSError {
        let arn = name.hasPrefix("arn:") ? name : try await call.arn("function:\(name)").description
        return AWSError("ResourceNotFoundException", status: 404, "Function not found: \(arn)")
    }
}

struct ListFunctionsRequest: AWSShape {
    var MasterRegion: String?
    var FunctionVersion: String?
    var Marker: String?
    var MaxItems: Int?
}

struct FunctionConfiguration: AWSShape {
    var FunctionName: String
    var FunctionArn: String
    var Runtime: String?
    var Handler: String?
    var LastModified: String?
}

struct ListFunctionsResponse: AWSShape {
    var Functions: [FunctionConfiguration]
    var NextMarker: String?
}

struct GetFunctionRequest: AWSShape {
    var FunctionName: String
    var Qualifier: String?
}

struct InvocationRequest: AWSShape {
    var FunctionName: String
    var InvocationType: String?
    var LogType: String?
    var ClientContext: String?
    var Qualifier: String?
    var Payload: Data?
}

struct LambdaEnvironment: AWSShape {
    var Variables: [String: String]?
}

struct UpdateFunctionConfigurationRequest: AWSShape {
    var FunctionName: String
    var Role: String?
    var Handler: String?
    var Description: String?
    var Timeout: Int?
    var MemorySize: Int?
    var Environment: LambdaEnvironment?
    var Runtime: String?
    var Layers: [String]?
}
