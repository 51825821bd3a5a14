using Microsoft.AspNetCore.Http.HttpResults;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>
/// "Where is my money?": find a user's deposits, and from one deposit see its proofs (with their
/// screenshots), the signed transactions that confirmed it and the postbacks that brought them.
/// </summary>
public static class OpsDepositsApi
{
    public sealed record OpsDeposit(
        Guid Id,
        string Label,
        DepositStatus Status,
        int? Amount,
        decimal? ConfirmedAmount,
        bool AmountMismatch,
        bool AmountDiffers,
        bool ConfirmedAfterExpiry,
        string Currency,
        string? WalletNumber,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt,
        DateTimeOffset? ConfirmedAt,
        DateTimeOffset? ExpiredAt)
    {
        public static OpsDeposit From(Deposit d) => new(d.Id, d.Label, d.Status, d.Amount, d.ConfirmedAmount, d.AmountMismatch,
            d.AmountDiffers, d.ConfirmedAfterExpiry, d.Currency, d.WalletNumber, d.CreatedAt, d.UpdatedAt, d.ConfirmedAt, d.ExpiredAt);
    }

    /// <summary>A deposit with everything linked to it; every id here can be looked up in the other ops calls.</summary>
    public sealed record OpsDepositDetail(
        OpsDeposit Deposit,
        IReadOnlyList<OpsApi.OpsProof> Proofs,
        IReadOnlyList<OpsPostbacksApi.OpsTransaction> Transactions,
        IReadOnlyList<OpsPostbacksApi.OpsPostbackSummary> Postbacks,
        IReadOnlyList<OpsActionsApi.OpsActionEntry> Actions);

    public static RouteGroupBuilder MapOpsDeposits(this RouteGroupBuilder ops)
    {
        ops.MapGet("/deposits", ListDeposits)
            .WithName("OpsListDeposits")
            .WithSummary("Deposits by label, status and creation time range, newest first");
        ops.MapGet("/deposits/{id:guid}", GetDeposit)
            .WithName("OpsGetDeposit")
            .WithSummary("One deposit with its proofs, signed transactions, the postbacks that brought them and the ops actions on its proofs")
            .ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapGet("/proofs/{id:guid}/screenshot", DownloadScreenshot)
            .WithName("OpsDownloadScreenshot")
            .WithSummary("The proof's screenshot as the user uploaded it")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return ops;
    }

    public static async Task<Results<Ok<OpsApi.OpsPage<OpsDeposit>>, ValidationProblem>> ListDeposits(
        MerchantDbContext db, CancellationToken cancellationToken,
        string? label = null, QueryEnum<DepositStatus>? status = null, QueryTime? from = null, QueryTime? to = null,
        int page = 1, int pageSize = 50)
    {
        var errors = OpsApi.PagingErrors(page, pageSize);
        var wanted = status?.Read(nameof(status), errors);
        OpsApi.CheckTextFilter(label, "label", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var (items, total) = await DepositQueries.ListAsync(db, label, wanted, from?.Utc, to?.Utc, page, pageSize, cancellationToken);
        return TypedResults.Ok(new OpsApi.OpsPage<OpsDeposit>(items.Select(OpsDeposit.From).ToList(), page, pageSize, total));
    }

    public static async Task<Results<Ok<OpsDepositDetail>, ProblemHttpResult>> GetDeposit(
        Guid id, MerchantDbContext db, CancellationToken cancellationToken)
    {
        var deposit = await DepositQueries.FindAsync(db, id, cancellationToken);
        if (deposit is null)
        {
            return Problems.NotFoundResult("deposit");
        }

        var proofs = await ProofQueries.OfDepositAsync(db, id, cancellationToken);
        var transactions = await PostbackQueries.OfDepositAsync(db, id, proofs.Select(p => p.CustomTransactionId).ToList(), cancellationToken);
        var postbacks = await PostbackQueries.CarryingAnyAsync(db, transactions.Select(t => t.TransactionId).Distinct().ToList(), cancellationToken);

        return TypedResults.Ok(new OpsDepositDetail(
            OpsDeposit.From(deposit),
            proofs.Select(OpsApi.OpsProof.From).ToList(),
            transactions.Select(OpsPostbacksApi.OpsTransaction.From).ToList(),
            postbacks.Select(OpsPostbacksApi.OpsPostbackSummary.From).ToList(),
            await OpsActionsApi.OnAsync(db, OpsSubjectType.Proof, proofs.Select(p => p.Id).ToList(), cancellationToken)));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadScreenshot(
        Guid id, MerchantDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var screenshot = await ProofQueries.ScreenshotAsync(db, id, cancellationToken);
        if (screenshot is null)
        {
            return Problems.NotFoundResult("proof");
        }
        // A user's file: never let the browser guess its type, and hand it over as a download.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(screenshot.Data, screenshot.ContentType, screenshot.FileName);
    }
}
