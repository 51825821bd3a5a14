using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Deposits;

namespace Paykassma.Sandbox.Window;

/// <summary>
/// The gateway's hosted payment window, imitated at <c>/plugin/</c> (the merchant's
/// <c>Paykassma:PluginBaseUrl</c> in Development): it shows the requisites for the window's parameters,
/// and its "I have paid" button plays the gateway matching the payment: a signed postback for the
/// window's custom_transaction_id. No secret: a user's browser opens it.
/// </summary>
internal static partial class PaymentWindowApi
{
    public static IEndpointRouteBuilder MapPaymentWindow(this IEndpointRouteBuilder app)
    {
        var window = app.MapGroup("/plugin").WithTags("Payment window (imitated)");
        // "/plugin" and "/plugin/" alike: routing ignores a trailing slash.
        window.MapGet("/", Show);
        window.MapPost("/paid", ReportPaidAsync);
        return app;
    }

    private static IResult Show(HttpContext http, IOptions<SandboxOptions> options, WindowPayments payments)
    {
        var sandbox = options.Value;
        var (window, problems) = WindowRequest.Read(http.Request.Query, sandbox);
        if (window is null)
        {
            return Html(http, StatusCodes.Status400BadRequest, WindowPage.Problems(problems));
        }
        // A window opened again after the payment was reported says so instead of offering a second one.
        return payments.Find(window.CustomTransactionIdValue) is { } earlier
            ? Html(http, StatusCodes.Status200OK, WindowPage.Paid(window, earlier, reportedNow: false))
            : Html(http, StatusCodes.Status200OK,
                WindowPage.Pay(window, Requisites.WalletNumberFor(window.LabelValue), sandbox.AccountName, sandbox.Currency));
    }

    private static async Task<IResult> ReportPaidAsync(
        HttpContext http, IOptions<SandboxOptions> options, WindowPayments payments, ILogger<WindowPayments> logger)
    {
        var sandbox = options.Value;
        if (!http.Request.HasFormContentType)
        {
            return Html(http, StatusCodes.Status400BadRequest, WindowPage.Problems(["the window's form must be sent as a form"]));
        }
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException && !http.RequestAborted.IsCancellationRequested)
        {
            return Html(http, StatusCodes.Status400BadRequest, WindowPage.Problems([$"the form could not be read: {exception.Message}"]));
        }

        var (window, problems) = WindowRequest.Read(form, sandbox);
        var amount = window?.Fixed;
        if (window is not null && amount is null)
        {
            var typed = form[WindowRequest.Amount];
            amount = typed.Count == 1 ? WindowRequest.ParseTypedAmount(typed[0]) : null;
            if (amount is null)
            {
                problems.Add($"{WindowRequest.Amount} must be a whole amount from 1 to 100000000000000, sent once");
            }
        }
        if (window is null || amount is null)
        {
            return Html(http, StatusCodes.Status400BadRequest, WindowPage.Problems(problems));
        }

        var (payment, reportedNow) = payments.Report(window, amount.Value, sandbox);
        if (reportedNow)
        {
            LogReported(logger, payment.CustomTransactionId, payment.Label, payment.Amount, payment.TransactionId, payment.PostbackId);
        }
        return Html(http, StatusCodes.Status200OK, WindowPage.Paid(window, payment, reportedNow));
    }

    private static IResult Html(HttpContext http, int status, string page)
    {
        http.Response.Headers.ContentSecurityPolicy = WindowPage.ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Content(page, "text/html; charset=utf-8", statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Window payment reported: custom_transaction_id {CustomTransactionId}, label {Label}, amount {Amount}, transaction_id {TransactionId}, postback {PostbackId}")]
    private static partial void LogReported(
        ILogger logger, string customTransactionId, string label, long amount, string transactionId, long postbackId);
}
