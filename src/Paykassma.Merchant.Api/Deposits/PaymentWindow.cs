using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>
/// The gateway's hosted payment window (<c>https://plugin.{domain}/</c>), read from the <c>Paykassma</c>
/// section beside the plugin API's settings. Optional: without <see cref="PluginBaseUrl"/> the window
/// endpoint answers 403 and nothing else changes, so a deployment that does not use it needs no new key.
/// </summary>
public sealed class PaymentWindowOptions
{
    public const string SectionName = "Paykassma";

    /// <summary><c>https://plugin.{domain}/</c> as issued by the gateway (the sandbox's <c>/plugin/</c> locally).</summary>
    public Uri? PluginBaseUrl { get; set; }

    /// <summary>
    /// Numeric ids the gateway's support issues for the merchant's redirect URLs; each is sent only when set
    /// (an empty value counts as not set).
    /// (The window's hashed <c>success_url</c>/<c>fail_url</c>/<c>pending_url</c> are not supported: see README.)
    /// </summary>
    public string? PaymentUrlSuccessId { get; set; }

    public string? PaymentUrlFailId { get; set; }

    public string? PaymentUrlPendingId { get; set; }
}

/// <summary>What a window deposit sends the gateway: its custom_transaction_id and the window's URL.</summary>
public static partial class PaymentWindow
{
    public const string DefaultLang = "en";

    /// <summary>The id the window's postback brings back; <c>pw_</c> keeps it apart from proofs' <c>pm_</c> ids.</summary>
    public static string CustomTransactionIdFor(Guid depositId) => "pw_" + depositId.ToString("N");

    /// <summary>A language code such as <c>en</c> or <c>pt-BR</c>: 2 to 5 ASCII letters or hyphens, a letter first.</summary>
    [GeneratedRegex(LangPattern)]
    public static partial Regex Lang();

    /// <summary>The rule of <see cref="Lang"/>, which the OpenAPI document states for the field.</summary>
    public const string LangPattern = "^[A-Za-z][A-Za-z-]{1,4}$";

    /// <summary>The support-issued redirect ids: digits only, as the gateway's example shows them.</summary>
    [GeneratedRegex("^[0-9]{1,20}$")]
    public static partial Regex RedirectId();

    /// <summary>
    /// The window URL for <paramref name="deposit"/>, parameters in the order of the gateway's pages, each
    /// value percent-encoded (the label is the user's and may hold anything). <c>fixed_amount</c> is
    /// written with two decimals (<c>300.00</c>), the one form a real window link shows.
    /// </summary>
    public static string Url(PaymentWindowOptions options, Deposit deposit, string lang)
    {
        var url = new StringBuilder(options.PluginBaseUrl!.AbsoluteUri);
        var first = true;
        void Add(string name, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }
            url.Append(first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        Add("label", deposit.Label);
        Add("currency_code", deposit.Currency);
        Add("lang", lang);
        Add("wallet_type", deposit.WalletType);
        Add("custom_transaction_id", deposit.CustomTransactionId
            ?? throw new ArgumentException("Only a window deposit has a window URL.", nameof(deposit)));
        Add("fixed_amount", deposit.Amount?.ToString("0.00", CultureInfo.InvariantCulture));
        Add("payment_url_success_id", options.PaymentUrlSuccessId);
        Add("payment_url_fail_id", options.PaymentUrlFailId);
        Add("payment_url_pending_id", options.PaymentUrlPendingId);
        return url.ToString();
    }
}
