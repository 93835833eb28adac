import WharfPlatform

/// AWS Step Functions on awsJson1.0. State machines arrive with the workflows issue; until then none
/// exists, so listings are empty and a named state machine is answered as AWS answers an unknown one.
enum StepFunctionsFace {
    static func service() -> AWSService {
        var states = AWSService(
            signingName: "states", title: "AWS Step Functions", apiVersion: "2016-11-23",
            protocol: .awsJson1_0(targetPrefix: "AWSStepFunctions"),
            errorCodes: [.invalidNextToken: AWSErrorName("InvalidToken", 400)])
        states.operation("ListStateMachines", access: .read, documentation: "empty: no state machines exist yet") {
            (input: ListStateMachinesInput, call) -> ListStateMachinesOutput in
            if let maximum = input.maxResults, !(0...1000).contains(maximum) {
                throw AWSError.invalid("maxResults", "Member must have value between 0 and 1000")
            }
            _ = try call.page(token: input.nextToken, tokenMember: "nextToken", limit: input.maxResults.flatMap { $0 == 0 ? nil : $0 },
                              limitMember: "maxResults", defaultLimit: 100, maximumLimit: 1000)
            return ListStateMachinesOutput(stateMachines: [], nextToken: nil)
        }
        states.operation("DescribeStateMachine", access: .read, documentation: "StateMachineDoesNotExist: none exists yet") {
            (input: DescribeStateMachineInput, _) -> AWSEmpty in
            try stateMachineArn(input.stateMachineArn)
            throw AWSError("StateMachineDoesNotExist", "State Machine Does Not Exist: '\(input.stateMachineArn)'")
        }
        states.operation("StartSyncExecution", access: .invoke, documentation: "StateMachineDoesNotExist: none exists yet") {
            (input: StartSyncExecutionInput, _) -> AWSEmpty in
            try stateMachineArn(input.stateMachineArn)
            throw AWSError("StateMachineDoesNotExist", "State Machine Does Not Exist: '\(input.stateMachineArn)'")
        }
        states.operation("TagResource", access: .write, documentation: "ResourceNotFound: no state machine exists yet") {
            (input: TagResourceInput, _) -> AWSEmpty in
            throw AWSError("ResourceNotFound", "Resource not found: '\(input.resourceArn)'")
        }
        return states
    }

    /// `arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`, else Step Functions' InvalidArn.
    static func stateMachineArn(_ text: String) throws {
        guard let arn = ARN(parsing: text), arn.service == "states", arn.resource.hasPrefix("stateMachine:") else {
            throw AWSError("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: \(text)'")
        }
    }
}

struct ListStateMachinesInput: AWSShape {
    var maxResults: Int?
    var nextToken: String?
}

struct StateMachineListItem: AWSShape {
    var stateMachineArn: String
    var name: String
    var type: String
    var creationDate: Date
}

struct ListStateMachinesOutput: AWSShape {
    var stateMachines: [StateMachineListItem]
    var nextToken: String?
}

struct DescribeStateMachineInput: AWSShape {
    var stateMachineArn: String
    var includedData: String?
}

struct StartSyncExecutionInput: AWSShape {
    var stateMachineArn: String
    var name: String?
    var input: String?
    var traceHeader: String?
    var includedData: String?
}

struct StatesTag: AWSShape {
    var key: String?
    var value: String?
}

struct TagResourceInput: AWSShape {
    var resourceArn: String
    var tags: [StatesTag]
}

import Foundation
