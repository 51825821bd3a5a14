using System.Text.Json;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Tests.Hosting;

public sealed class MoneyJsonConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new MoneyJsonConverter() } };

    [Theory]
    [InlineData("300.00", "300")]
    [InlineData("300.50", "300.5")]
    [InlineData("0.00", "0")]
    [InlineData("-12.30", "-12.3")]
    [InlineData("123456789012345678.99", "123456789012345678.99")]
    public void Amounts_are_written_without_trailing_zeros(string stored, string written) =>
        Assert.Equal(written, JsonSerializer.Serialize(decimal.Parse(stored, System.Globalization.CultureInfo.InvariantCulture), Options));
}
