using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Development;
using Paykassma.Merchant.Api.Idempotency;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// The limits of every request field as the document states them, read from where each is enforced
/// (the same option, constant or pattern the check uses), so a generated client and Swagger UI refuse
/// exactly what the service refuses: a deposit's amount is 1 to <c>Deposits:MaxAmount</c>, not the
/// 2147483647 of its C# type. ContractLimitsTests probes each stated limit against the service.
/// </summary>
internal static class OpenApiLimits
{
    private delegate void Limit(OpenApiSchema schema, IServiceProvider services);

    /// <summary>Per request type and JSON property name: how to state its limit.</summary>
    private static readonly Dictionary<(Type Owner, string Property), Limit> Fields = new()
    {
        [(typeof(CreateDepositRequest), "amount")] = DepositAmount,
        [(typeof(CreateWindowDepositRequest), "amount")] = DepositAmount,
        [(typeof(CreateWindowDepositRequest), "lang")] = (schema, _) => schema.Pattern = PaymentWindow.LangPattern,
        [(typeof(ProofForm), "amount")] = DepositAmount,
        [(typeof(ProofForm), "transactionNumber")] = (schema, _) =>
            schema.Pattern = $"^[0-9]{{{ProofFormValidator.TransactionNumberLength}}}$",
        [(typeof(ProofForm), "screenshot")] = (schema, services) =>
            schema.Description = "A screenshot of the payment: JPEG, PNG, WebP, HEIC or PDF (checked by content). "
                                 + ProofFormValidator.ScreenshotLimit(services.GetRequiredService<IOptions<ProofOptions>>().Value),
        [(typeof(CreatePayoutRequest), "label")] = (schema, _) => Length(schema, 1, PayoutRules.MaxLabelLength),
        [(typeof(CreatePayoutRequest), "amount")] = (schema, services) =>
            Range(schema, 1, services.GetRequiredService<IOptions<PayoutOptions>>().Value.MaxAmount),
        [(typeof(CreatePayoutRequest), "accountNumber")] = (schema, _) => schema.Pattern = PayoutRules.AccountNumberPattern,
        [(typeof(CreatePayoutRequest), "accountName")] = (schema, _) => schema.Pattern = PayoutRules.AccountNamePattern,
        [(typeof(CreatePayoutRequest), "bankDetails")] = (schema, _) =>
        {
            schema.MinProperties = 1;
            schema.MaxProperties = PayoutRules.MaxBankDetails;
            schema.PropertyNames = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = PayoutRules.BankDetailNamePattern };
            schema.AdditionalProperties = new OpenApiSchema
            {
                Type = JsonSchemaType.String, MinLength = 1, MaxLength = PayoutRules.MaxBankDetailValueLength,
            };
        },
        [(typeof(OpsActionRequest), "reason")] = (schema, _) => schema.MaxLength = OpsAudit.MaxReasonLength,
        [(typeof(DevTokenApi.DevTokenRequest), "label")] = (schema, _) => Length(schema, 1, AuthExtensions.MaxLabelLength),
        [(typeof(DevTokenApi.DevTokenRequest), "lifetimeMinutes")] = (schema, _) => Range(schema, 1, DevTokenApi.MaxLifetimeMinutes),
    };

    public static OpenApiOptions AddLimits(this OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is { } property
                && Fields.TryGetValue((property.DeclaringType, property.Name), out var limit))
            {
                limit(schema, context.ApplicationServices);
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var paging = metadata.OfType<PagingMetadata>().LastOrDefault();
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.Schema is not OpenApiSchema schema)
                {
                    continue;
                }
                switch (parameter.In, parameter.Name)
                {
                    case (ParameterLocation.Query, Paging.PageField) when paging is not null:
                        schema.Minimum = "1";
                        break;
                    case (ParameterLocation.Query, Paging.PageSizeField) when paging is not null:
                        Range(schema, 1, paging.MaxPageSize);
                        break;
                    case (ParameterLocation.Header, IdempotencyHeader.Name):
                        Length(schema, 1, IdempotencyHeader.MaxLength);
                        schema.Pattern = IdempotencyHeader.Pattern;
                        break;
                }
            }
            return Task.CompletedTask;
        });
        return options;
    }

    private static void DepositAmount(OpenApiSchema schema, IServiceProvider services) =>
        Range(schema, DepositOptions.MinAmount, services.GetRequiredService<IOptions<DepositOptions>>().Value.MaxAmount);

    private static void Range(OpenApiSchema schema, long minimum, long maximum)
    {
        schema.Minimum = minimum.ToString(CultureInfo.InvariantCulture);
        schema.Maximum = maximum.ToString(CultureInfo.InvariantCulture);
    }

    private static void Length(OpenApiSchema schema, int minimum, int maximum)
    {
        schema.MinLength = minimum;
        schema.MaxLength = maximum;
    }
}
