using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Reconciliation;

/// <summary>
/// The daily reconciliation for finance: what moved per day and currency, from the gateway's signed
/// transactions, as JSON or (Accept: text/csv) as a CSV file for a spreadsheet.
/// </summary>
public static class ReconciliationApi
{
    /// <summary>About a quarter: a report's cost grows with its days, and a quarter is the longest a finance close needs at once.</summary>
    public const int MaxDays = 92;

    // Dates outside these years are typing mistakes; they are also where a zone's offset would leave
    // the range of an instant.
    private static readonly DateOnly Earliest = new(2000, 1, 1);
    private static readonly DateOnly Latest = new(2999, 12, 31);

    public static RouteGroupBuilder MapOpsReconciliation(this RouteGroupBuilder ops)
    {
        ops.MapGet("/reconciliation", GetReport)
            .WithName("OpsReconciliation")
            .WithSummary("What moved per day and currency, from the signed transactions (JSON, or CSV with Accept: text/csv)")
            .WithDescription("Days are calendar days in Ops:ReportTimeZone (default +08:00, the gateway's personal account), " +
                             "from and to inclusive (yyyy-MM-dd), at most " + MaxDays + " days; to defaults to from. " +
                             "Signed items count on the day of their signed activation time (when we stored them if they carry none). " +
                             "Deposits confirmed and payouts paid or cancelled are totals of signed transactions; payouts refused and " +
                             "pending are our own rows (notSigned), by the day they were created. Send Accept: text/csv for RFC 4180 CSV, " +
                             "one row per day, currency and measure: date,currency,measure,detail,signed,count,amount.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Read as text, so a bad date is a validation problem naming it; the document says what is expected.
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    if (parameter.Schema is OpenApiSchema schema)
                    {
                        schema.Format = "date";
                    }
                    parameter.Required = parameter.Name == "from";
                    parameter.Description = parameter.Name == "from"
                        ? "The first day, yyyy-MM-dd, in Ops:ReportTimeZone."
                        : "The last day (inclusive), yyyy-MM-dd; defaults to from.";
                }
                // The typed results describe the JSON answer; the same 200 may be CSV, by Accept. (An endpoint's
                // transformer runs after the document's, so the example set here is the one that stays.)
                if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse ok)
                {
                    ok.Content ??= new Dictionary<string, OpenApiMediaType>();
                    ok.Content[ReconciliationCsv.MediaType] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "RFC 4180 CSV with a header row (docs/api.md)." },
                        Example = ReconciliationExamples.Text(operation.OperationId, "200", ReconciliationCsv.MediaType),
                    };
                }
                return Task.CompletedTask;
            });
        return ops;
    }

    public static async Task<Results<Ok<ReconciliationReport>, CsvReport, ValidationProblem>> GetReport(
        HttpContext http, ReconciliationReader reader, CancellationToken cancellationToken, string? from = null, string? to = null)
    {
        var errors = new Dictionary<string, string[]>();
        var first = ParseDate(from, "from", errors);
        var last = string.IsNullOrEmpty(to) ? first : ParseDate(to, "to", errors);
        if (first is { } f && last is { } l)
        {
            if (l < f)
            {
                errors["to"] = ["Must not be before from."];
            }
            else if (l.DayNumber - f.DayNumber + 1 > MaxDays)
            {
                errors["to"] = [$"At most {MaxDays} days per report (from and to inclusive); ask for the rest in another."];
            }
        }
        // Either answer depends on Accept: caches must keep them apart.
        http.Response.Headers.Vary = HeaderNames.Accept;
        if (errors.Count > 0 || first is not { } start || last is not { } end)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var report = await reader.ReadAsync(start, end, cancellationToken);
        return WantsCsv(http.Request)
            ? new CsvReport(ReconciliationCsv.Write(report), $"reconciliation-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}.csv")
            : TypedResults.Ok(report);
    }

    private static DateOnly? ParseDate(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors[name] = ["Required: a date, yyyy-MM-dd."];
            return null;
        }
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors[name] = ["A date, yyyy-MM-dd (a day in Ops:ReportTimeZone)."];
            return null;
        }
        if (date < Earliest || date > Latest)
        {
            errors[name] = [$"A date from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}."];
            return null;
        }
        return date;
    }

    /// <summary>
    /// CSV when the client names text/csv and prefers nothing JSON over it: a spreadsheet import or
    /// <c>curl -H 'Accept: text/csv'</c>. Anything else (no Accept, */*, a browser's list) gets JSON.
    /// </summary>
    internal static bool WantsCsv(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }
        double csv = 0, json = 0;
        foreach (var media in accepted)
        {
            var quality = media.Quality ?? 1;
            if (media.MediaType.Equals(ReconciliationCsv.MediaType, StringComparison.OrdinalIgnoreCase))
            {
                csv = Math.Max(csv, quality);
            }
            else if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }
        return csv > 0 && csv >= json;
    }
}

/// <summary>The report as a CSV download (described in the OpenAPI document beside the JSON 200, by the endpoint).</summary>
public sealed class CsvReport(string body, string fileName) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string ContentTypeWithCharset = ReconciliationCsv.MediaType + "; charset=utf-8; header=present";

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => ContentTypeWithCharset;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentTypeWithCharset;
        httpContext.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        return httpContext.Response.WriteAsync(body, httpContext.RequestAborted);
    }
}
