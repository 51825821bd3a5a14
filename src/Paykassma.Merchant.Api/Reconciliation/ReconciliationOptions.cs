using Microsoft.Extensions.Options;
using Paykassma.PluginApi;

namespace Paykassma.Merchant.Api.Reconciliation;

/// <summary>The daily reconciliation report (<c>Ops</c> section).</summary>
public sealed class ReconciliationOptions
{
    public const string SectionName = "Ops";

    /// <summary>
    /// The zone whose calendar days the report counts: an offset like <c>+08:00</c> or an IANA id.
    /// The gateway's personal account counts days in the account's zone, +08:00 unless set otherwise,
    /// and finance puts the report beside it.
    /// </summary>
    public string ReportTimeZone { get; set; } = "+08:00";
}

/// <summary>Stops start-up naming the key when the report's zone is not one.</summary>
internal sealed class ReconciliationOptionsValidator : IValidateOptions<ReconciliationOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconciliationOptions options) =>
        GatewayTimeZone.TryParse(options.ReportTimeZone, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ReconciliationOptions.SectionName}:ReportTimeZone must be an offset like +08:00 or a time zone id like Asia/Manila.");
}

public static class ReconciliationExtensions
{
    public static IServiceCollection AddReconciliation(this IServiceCollection services)
    {
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconciliationOptions>, ReconciliationOptionsValidator>();
        services.AddSingleton<ReconciliationReader>();
        return services;
    }
}
