using Microsoft.Extensions.Options;

namespace Paykassma.PluginApi;

/// <summary>
/// Fails start-up with the exact configuration key that is missing or wrong, so an operator
/// fixes the right thing at deploy time instead of discovering it on the first payment.
/// Messages name keys only, never values: some of them are secrets.
/// </summary>
public sealed class PaykassmaOptionsValidator : IValidateOptions<PaykassmaOptions>
{
    private const string Prefix = PaykassmaOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, PaykassmaOptions options)
    {
        var failures = new List<string>();

        if (options.ApiBaseUrl is null || !options.ApiBaseUrl.IsAbsoluteUri
            || options.ApiBaseUrl.Scheme is not ("http" or "https"))
        {
            failures.Add($"{Prefix}ApiBaseUrl is required and must be an absolute http(s) URL.");
        }
        else if (!string.IsNullOrEmpty(options.ApiBaseUrl.Query))
        {
            failures.Add($"{Prefix}ApiBaseUrl must not carry a query string (the secret has its own key).");
        }

        RequireText(failures, options.PluginApiSecret, "PluginApiSecret");
        RequireText(failures, options.PostbackAccessKey, "PostbackAccessKey");
        RequireText(failures, options.PostbackPrivateKey, "PostbackPrivateKey");
        RequireText(failures, options.WalletType, "WalletType", maxLength: 190);
        RequireText(failures, options.Currency, "Currency", maxLength: 3);

        if (GatewayTimeZone.TryParse(options.TimeZone, out _) is false)
        {
            failures.Add($"{Prefix}TimeZone must be an offset like +08:00 or a time zone id like Asia/Manila.");
        }

        var resilience = options.Resilience;
        if (resilience.AttemptTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}Resilience:AttemptTimeout must be positive.");
        }
        if (resilience.TotalTimeout < resilience.AttemptTimeout)
        {
            failures.Add($"{Prefix}Resilience:TotalTimeout must be at least Resilience:AttemptTimeout.");
        }
        if (resilience.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{Prefix}Resilience:MaxRetries must be between 0 and 10.");
        }
        if (resilience.RetryBaseDelay < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}Resilience:RetryBaseDelay must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireText(List<string> failures, string? value, string key, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{Prefix}{key} is required.");
        }
        else if (value.Length > maxLength)
        {
            failures.Add($"{Prefix}{key} must be at most {maxLength} characters.");
        }
    }
}
