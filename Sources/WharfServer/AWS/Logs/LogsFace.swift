/// Amazon CloudWatch Logs on awsJson1.1. Wharf keeps no log groups yet (job and function logs land
/// with their issues), so the listing is empty and a named group does not exist, as AWS answers for
/// an account without them.
enum LogsFace {
    static func service() -> AWSService {
        var logs = AWSService(
            signingName: "logs", title: "Amazon CloudWatch Logs", apiVersion: "2014-03-28",
            protocol: .awsJson1_1(targetPrefix: "Logs_20140328"),
            errorCodes: [.invalidNextToken: AWSErrorName("InvalidParameterException", 400)])
        logs.operation("DescribeLogGroups", access: .read, documentation: "empty: no log groups exist yet") {
            (input: DescribeLogGroupsRequest, call) -> DescribeLogGroupsResponse in
            _ = try call.page(token: input.nextToken, tokenMember: "nextToken", limit: input.limit, limitMember: "limit", defaultLimit: 50, maximumLimit: 50)
            return DescribeLogGroupsResponse(logGroups: [], nextToken: nil)
        }
        logs.operation("DeleteLogGroup", access: .write, documentation: "ResourceNotFoundException: no log groups exist yet") {
            (input: DeleteLogGroupRequest, _) -> AWSEmpty in
            throw AWSError("ResourceNotFoundException", "The specified log group does not exist: \(input.logGroupName)")
        }
        return logs
    }
}

struct DescribeLogGroupsRequest: AWSShape {
    var logGroupNamePrefix: String?
    var logGroupNamePattern: String?
    var nextToken: String?
    var limit: Int?
    var includeLinkedAccounts: Bool?
}

struct LogGroup: AWSShape {
    var logGroupName: String
    var creationTime: Int64?
    var retentionInDays: Int?
    var arn: String?
    var storedBytes: Int64?
}

struct DescribeLogGroupsResponse: AWSShape {
    var logGroups: [LogGroup]
    var nextToken: String?
}

struct DeleteLogGroupRequest: AWSShape {
    var logGroupName: String
}
