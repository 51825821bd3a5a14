namespace Paykassma.PluginApi.Client;

/// <summary>What became of a call to the gateway.</summary>
public enum GatewayOutcome
{
    /// <summary>The gateway answered ok / success.</summary>
    Accepted,

    /// <summary>The gateway answered <c>{"status":"fail","message":…}</c>: a business refusal, not an outage.</summary>
    Refused,

    /// <summary>No usable answer: timeout, connection failure, 5xx or a body we cannot read.</summary>
    Failed,
}

/// <summary>Why a call ended <see cref="GatewayOutcome.Failed"/>.</summary>
public enum GatewayFailureKind
{
    /// <summary>An attempt or the whole call ran out of time; the gateway may have acted on it.</summary>
    Timeout,

    /// <summary>No connection could be made: the request never reached the gateway.</summary>
    Unreachable,

    /// <summary>The gateway answered 5xx (or 408/429) on every attempt.</summary>
    ServerError,

    /// <summary>The gateway answered something that is neither ok nor fail (not JSON, unknown status, 4xx without a message).</summary>
    UnreadableResponse,
}
