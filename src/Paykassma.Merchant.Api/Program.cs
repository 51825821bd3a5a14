using Paykassma.Merchant.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMerchantLogging();
builder.AddMerchantServices();

var app = builder.Build();
app.UseMerchantPipeline();
app.MapMerchantEndpoints();
app.Run();

/// <summary>The entry point, public so integration tests can host the service.</summary>
public partial class Program;
