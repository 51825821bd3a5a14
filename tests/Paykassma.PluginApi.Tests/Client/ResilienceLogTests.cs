using Microsoft.Extensions.Logging;
using Paykassma.PluginApi.Client;

namespace Paykassma.PluginApi.Tests.Client;

/// <summary>A gateway failure that a retry handles is not an error: Error is kept for what needs a person.</summary>
public sealed class ResilienceLogTests
{
    [Fact]
    public async Task An_unreachable_gateway_tried_three_times_logs_no_error()
    {
        using var closed = new GatewayStub();
        closed.Server.Stop();

        var answer = await closed.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Failed, answer.Outcome);
        var records = closed.Logs.GetSnapshot();
        Assert.Contains(records, r => r.Message.Contains("Execution attempt", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error);
    }
}
