namespace Paykassma.PluginApi;

/// <summary>
/// The merchant's settings for the Paykassma gateway, bound from the <c>Paykassma</c> section.
/// </summary>
public sealed class PaykassmaOptions
{
    public const string SectionName = "Paykassma";

    /// <summary><c>https://api.{domain}</c> as issued by the gateway (the sandbox's URL locally).</summary>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>The <c>secret</c> query parameter of every plugin API call. A credential: never log it.</summary>
    public string PluginApiSecret { get; set; } = "";

    /// <summary>The public postback access key configured in the gateway's back office.</summary>
    public string PostbackAccessKey { get; set; } = "";

    /// <summary>The postback private access key. A credential: never log it.</summary>
    public string PostbackPrivateKey { get; set; } = "";

    /// <summary>
    /// During a key rotation at the gateway: the private key being replaced, still accepted (after
    /// the current one fails) so postbacks signed before the switch are not refused. Optional.
    /// </summary>
    public string? PostbackPreviousPrivateKey { get; set; }

    /// <summary>
    /// Signs payout requests (<c>/v2/withdrawal/create</c>). Which key the gateway expects there is not
    /// published, so it is a setting of its own. A credential: never log it. Required when payouts are on.
    /// </summary>
    public string WithdrawalPrivateKey { get; set; } = "";

    public string WalletType { get; set; } = "bnb_ml";

    public string Currency { get; set; } = "BTN";

    /// <summary>Zone of the gateway's datetimes: an offset like <c>+08:00</c> or an IANA id like <c>Asia/Manila</c>.</summary>
    public string TimeZone { get; set; } = "+08:00";

    public GatewayResilienceOptions Resilience { get; set; } = new();
}

/// <summary>Timeouts and retries for calls to the gateway.</summary>
public sealed class GatewayResilienceOptions
{
    /// <summary>How long one HTTP attempt may take, reading the answer included.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a whole call may take, retries and their delays included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after the first attempt, for transient failures only.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Base of the exponential back-off between attempts (jittered).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
