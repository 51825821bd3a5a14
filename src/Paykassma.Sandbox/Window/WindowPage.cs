using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Paykassma.Sandbox.Window;

/// <summary>
/// The window's pages, built from query parameters: every value goes through <see cref="HtmlEncoder"/>
/// (quotes, angle brackets, ampersands and all non-ASCII become character references), and the pages
/// carry no script, so a parameter can neither close an attribute nor run anything.
/// </summary>
internal static class WindowPage
{
    public const string PaidPath = "/plugin/paid";

    /// <summary>No script at all, styles inline only, forms only back to the sandbox.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'";

    private static string E(string value) => HtmlEncoder.Default.Encode(value);

    public static string Pay(WindowRequest window, string walletNumber, string accountName, string currency)
    {
        var body = new StringBuilder();
        body.Append("<h1>Sandbox payment window</h1>\n");
        body.Append("<p>Pay by bank transfer to the account below, then press the button.</p>\n<dl>\n");
        body.Append($"<dt>Wallet number</dt><dd id=\"wallet-number\">{E(walletNumber)}</dd>\n");
        body.Append($"<dt>Account name</dt><dd id=\"account-name\">{E(accountName)}</dd>\n");
        if (window.Fixed is { } amount)
        {
            body.Append($"<dt>Amount</dt><dd id=\"fixed-amount\">{amount.ToString("0.00", CultureInfo.InvariantCulture)} {E(currency)}</dd>\n");
        }
        body.Append("</dl>\n");
        body.Append($"<form method=\"post\" action=\"{PaidPath}\">\n");
        foreach (var (name, value) in window.Parameters)
        {
            body.Append($"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">\n");
        }
        if (window.Fixed is null)
        {
            body.Append($"<p><label>Amount paid ({E(currency)}) <input id=\"amount\" name=\"{WindowRequest.Amount}\" ");
            body.Append("inputmode=\"numeric\" pattern=\"[0-9]{1,15}\" required></label></p>\n");
        }
        body.Append("<button id=\"paid\" type=\"submit\">I have paid</button>\n</form>\n");
        body.Append(Footer(window));
        return Document("Sandbox payment window", body.ToString());
    }

    public static string Paid(WindowRequest window, WindowPayment payment, bool reportedNow)
    {
        var body = new StringBuilder();
        body.Append(reportedNow
            ? "<h1 id=\"reported\">Payment reported</h1>\n<p>The sandbox sends the merchant the gateway's signed postback in a moment.</p>\n"
            : "<h1 id=\"already-reported\">Payment already reported</h1>\n<p>Nothing more is sent: the first report's postback stands.</p>\n");
        body.Append("<dl>\n");
        body.Append($"<dt>Amount</dt><dd id=\"paid-amount\">{payment.Amount.ToString(CultureInfo.InvariantCulture)} {E(payment.CurrencyCode)}</dd>\n");
        body.Append($"<dt>Transaction id</dt><dd id=\"transaction-id\">{E(payment.TransactionId)}</dd>\n");
        body.Append($"<dt>Postback</dt><dd><a href=\"/sandbox/postbacks/{payment.PostbackId}\">/sandbox/postbacks/{payment.PostbackId}</a></dd>\n");
        body.Append("</dl>\n");
        if (window.SuccessIdValue is { } successId)
        {
            body.Append($"<p>The gateway would now send you to the merchant's success URL no. {E(successId)}.</p>\n");
        }
        body.Append(Footer(window));
        return Document("Payment reported", body.ToString());
    }

    public static string Problems(IEnumerable<string> problems)
    {
        var body = new StringBuilder("<h1>The payment window cannot open</h1>\n<ul id=\"problems\">\n");
        foreach (var problem in problems)
        {
            body.Append($"<li>{E(problem)}</li>\n");
        }
        body.Append("</ul>\n");
        return Document("Payment window: bad parameters", body.ToString());
    }

    private static string Footer(WindowRequest window) =>
        $"<p class=\"note\">Order <code id=\"custom-transaction-id\">{E(window.CustomTransactionIdValue)}</code> "
        + $"for <code id=\"label\">{E(window.LabelValue)}</code>, language <code>{E(window.LangValue)}</code> "
        + "(the sandbox shows English only).</p>\n";

    private static string Document(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}}</title>
        <style>body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em} dt{font-weight:bold} .note{color:#555;font-size:small}</style>
        </head>
        <body>
        {{body}}</body>
        </html>

        """;
}
