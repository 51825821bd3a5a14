using Microsoft.Extensions.Options;
using Paykassma.PluginApi;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// How the sandbox sends postbacks, bound from the same <c>Sandbox</c> section as the rest of its settings
/// (keys <c>Sandbox:Postback…</c> and <c>Sandbox:TimeZone</c>).
/// </summary>
public sealed class PostbackOptions
{
    /// <summary>
    /// Where postbacks go. Absent: they are built, signed and listed but not sent, so the sandbox also
    /// serves clients that have no postback endpoint yet.
    /// </summary>
    public string? PostbackUrl { get; set; }

    /// <summary>The public key; written into every postback as <c>access_key</c>.</summary>
    public string? PostbackAccessKey { get; set; }

    /// <summary>Never sent and never logged: the receiver proves it knows it by checking the signature.</summary>
    public string? PostbackPrivateKey { get; set; }

    /// <summary>The account's zone: the gateway writes its datetimes in it without saying which it is.</summary>
    public string TimeZone { get; set; } = "+08:00";

    /// <summary>The gateway matches a payment a moment after it takes the proof, not while answering it.</summary>
    public double PostbackDelaySeconds { get; set; } = 1;

    /// <summary><c>php_default</c>, <c>unescaped</c> or <c>pretty</c>; see <see cref="PostbackWireEncoding"/>.</summary>
    public string PostbackWireEncoding { get; set; } = "php_default";

    /// <summary>Wait before the first resend; each later wait doubles, up to <see cref="PostbackMaxRetrySeconds"/>.</summary>
    public double PostbackFirstRetrySeconds { get; set; } = 1;

    public double PostbackMaxRetrySeconds { get; set; } = 30;

    /// <summary>Attempts before giving up; 0 resends for as long as the process runs, as the gateway does.</summary>
    public int PostbackMaxAttempts { get; set; }

    /// <summary>How long one attempt may take before it counts as failed (and is resent).</summary>
    public double PostbackTimeoutSeconds { get; set; } = 10;

    /// <summary>How many postbacks are kept for the control endpoints; the oldest are forgotten first.</summary>
    public int PostbackHistoryLimit { get; set; } = 1000;

    // TryCreate, not new Uri: the configuration binder may read this before the validator has said what is wrong.
    public Uri? Url => Uri.TryCreate(PostbackUrl, UriKind.Absolute, out var url) ? url : null;

    public PostbackWireEncoding WireEncoding =>
        PostbackWireEncodings.TryParse(PostbackWireEncoding, out var encoding) ? encoding : default;

    public TimeSpan Delay => TimeSpan.FromSeconds(PostbackDelaySeconds);

    public TimeSpan Timeout => TimeSpan.FromSeconds(PostbackTimeoutSeconds);

    /// <summary>The wait after failed attempt number <paramref name="failedAttempts"/> (1 for the first).</summary>
    public TimeSpan RetryDelayAfter(int failedAttempts)
    {
        var doublings = Math.Min(failedAttempts - 1, 30);
        return TimeSpan.FromSeconds(Math.Min(PostbackFirstRetrySeconds * Math.Pow(2, doublings), PostbackMaxRetrySeconds));
    }

    /// <summary>Whether <paramref name="attempts"/> failed attempts use up Sandbox:PostbackMaxAttempts (0: never).</summary>
    public bool AttemptsExhausted(int attempts) => PostbackMaxAttempts > 0 && attempts >= PostbackMaxAttempts;

    // Options objects end up in debugger views and careless log lines; the private key must not.
    public override string ToString() => $"{nameof(PostbackOptions)} (url {PostbackUrl ?? "none"}, keys redacted)";
}

/// <summary>Every problem at once, each naming its key; values are never echoed (one of them is a secret).</summary>
internal sealed class PostbackOptionsValidator : IValidateOptions<PostbackOptions>
{
    private const string Prefix = "Sandbox:";

    public ValidateOptionsResult Validate(string? name, PostbackOptions options)
    {
        List<string> failures = [];
        if (!string.IsNullOrWhiteSpace(options.PostbackUrl)
            && !(Uri.TryCreate(options.PostbackUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            failures.Add($"{Prefix}PostbackUrl must be an absolute http(s) URL.");
        }

        if (!string.IsNullOrWhiteSpace(options.PostbackUrl))
        {
            if (string.IsNullOrEmpty(options.PostbackAccessKey))
            {
                failures.Add($"{Prefix}PostbackAccessKey is required when {Prefix}PostbackUrl is set.");
            }

            if (string.IsNullOrEmpty(options.PostbackPrivateKey))
            {
                failures.Add($"{Prefix}PostbackPrivateKey is required when {Prefix}PostbackUrl is set.");
            }
        }

        if (!GatewayTimeZone.TryParse(options.TimeZone, out _))
        {
            failures.Add($"{Prefix}TimeZone must be an offset like +08:00 or a time zone id like Asia/Manila.");
        }

        if (!PostbackWireEncodings.TryParse(options.PostbackWireEncoding, out _))
        {
            failures.Add($"{Prefix}PostbackWireEncoding must be one of: {PostbackWireEncodings.Names}.");
        }

        CheckSeconds(failures, "PostbackDelaySeconds", options.PostbackDelaySeconds, allowZero: true);
        CheckSeconds(failures, "PostbackFirstRetrySeconds", options.PostbackFirstRetrySeconds, allowZero: false);
        CheckSeconds(failures, "PostbackMaxRetrySeconds", options.PostbackMaxRetrySeconds, allowZero: false);
        CheckSeconds(failures, "PostbackTimeoutSeconds", options.PostbackTimeoutSeconds, allowZero: false);
        if (options.PostbackMaxRetrySeconds < options.PostbackFirstRetrySeconds)
        {
            failures.Add($"{Prefix}PostbackMaxRetrySeconds must not be less than {Prefix}PostbackFirstRetrySeconds.");
        }

        if (options.PostbackMaxAttempts < 0)
        {
            failures.Add($"{Prefix}PostbackMaxAttempts must be 0 (no limit) or more.");
        }

        if (options.PostbackHistoryLimit is < 1 or > 100_000)
        {
            failures.Add($"{Prefix}PostbackHistoryLimit must be between 1 and 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private const double MaxSeconds = 3600;

    private static void CheckSeconds(List<string> failures, string key, double value, bool allowZero)
    {
        // Written so that NaN fails too: every comparison with NaN is false.
        var inRange = (allowZero ? value >= 0 : value > 0) && value <= MaxSeconds;
        if (!inRange)
        {
            failures.Add(allowZero
                ? $"{Prefix}{key} must be between 0 and {MaxSeconds} seconds."
                : $"{Prefix}{key} must be greater than 0 and at most {MaxSeconds} seconds.");
        }
    }
}
