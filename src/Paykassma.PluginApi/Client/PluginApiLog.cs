using Microsoft.Extensions.Logging;

namespace Paykassma.PluginApi.Client;

/// <summary>Source-generated log lines. They name the operation, never the URL (it carries the secret).</summary>
internal static partial class PluginApiLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Paykassma {Operation} ended {Outcome} after {Attempts} attempt(s) in {ElapsedMs:0} ms")]
    public static partial void CallEnded(ILogger logger, string operation, GatewayOutcome outcome, int attempts, double elapsedMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Paykassma {Operation} failed ({Failure}) after {Attempts} attempt(s) in {ElapsedMs:0} ms")]
    public static partial void CallFailed(ILogger logger, string operation, GatewayFailureKind failure, int attempts, double elapsedMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Paykassma {Operation} refused: {GatewayMessage}")]
    public static partial void CallRefused(ILogger logger, string operation, string gatewayMessage);
}
