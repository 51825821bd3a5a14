using System.Text.Json;

namespace Paykassma.PluginApi.Client;

/// <summary>The gateway's answer to create-deposit: requisites, a refusal message, or a failure.</summary>
public sealed record CreateDepositAnswer(
    GatewayOutcome Outcome,
    DepositRequisites? Requisites = null,
    string? Message = null,
    GatewayFailureKind? Failure = null,
    JsonElement? RawParams = null)
{
    public static CreateDepositAnswer Accepted(DepositRequisites requisites, JsonElement rawParams) =>
        new(GatewayOutcome.Accepted, requisites, RawParams: rawParams);

    public static CreateDepositAnswer Refused(string message) => new(GatewayOutcome.Refused, Message: message);

    public static CreateDepositAnswer Failed(GatewayFailureKind kind) => new(GatewayOutcome.Failed, Failure: kind);
}
