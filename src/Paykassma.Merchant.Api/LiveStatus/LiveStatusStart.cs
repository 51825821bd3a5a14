namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>How a stream starts, decided before its first byte.</summary>
public enum LiveStatusStart
{
    /// <summary>The stream is open.</summary>
    Open,

    /// <summary>No such deposit for this user.</summary>
    NotFound,

    /// <summary>The user holds the most open streams allowed.</summary>
    TooManyStreams,

    /// <summary>A reconnect to a deposit that is final and has nothing newer: nothing will ever come.</summary>
    Finished,

    /// <summary>This instance holds the most open streams it allows (Deposits:LiveStatus:MaxStreams).</summary>
    AtCapacity,

    /// <summary>The token's exp has passed (it is still inside the bearer handler's clock skew): no stream outlives its token.</summary>
    TokenExpired,
}
