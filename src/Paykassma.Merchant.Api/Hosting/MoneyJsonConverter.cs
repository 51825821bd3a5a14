using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// One money format in every answer: a decimal is written with no trailing zeros, so a confirmed
/// amount read from a numeric(20,2) column (<c>300.00</c>) reads like the amount the user announced
/// (<c>300</c>), and a fraction keeps its digits (<c>300.5</c>). Reading is the default.
/// </summary>
public sealed class MoneyJsonConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

    // Dividing by 1 written with 28 zero decimals leaves the value with the fewest digits that hold it.
    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value / 1.0000000000000000000000000000m);
}
