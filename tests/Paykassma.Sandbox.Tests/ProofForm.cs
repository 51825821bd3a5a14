using System.Net.Http.Headers;

namespace Paykassma.Sandbox.Tests;

/// <summary>
/// A possible-transaction form, valid unless a test changes it. Text fields set to <c>null</c> are left out,
/// which is how tests send a form with a field missing.
/// </summary>
internal sealed class ProofForm
{
    public static readonly byte[] PngBytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    public Dictionary<string, string?> Fields { get; } = new()
    {
        ["currency_code"] = "BTN",
        ["wallet_type"] = "bnb_ml",
        ["label"] = "user-42",
        ["key1"] = "123456789012",
        ["amount"] = "300",
        ["custom_transaction_id"] = $"proof-{Guid.NewGuid():N}",
    };

    /// <summary>The screenshot file parts; empty means no file is sent.</summary>
    public List<(byte[] Bytes, string FileName, string ContentType)> Screenshots { get; } = [(PngBytes, "proof.png", "image/png")];

    /// <summary>Text fields sent in addition (e.g. a second value of a field, or screenshot as text).</summary>
    public List<(string Name, string Value)> ExtraTextFields { get; } = [];

    public string CustomTransactionId => Fields["custom_transaction_id"]!;

    public ProofForm With(string field, string? value)
    {
        Fields[field] = value;
        return this;
    }

    public MultipartFormDataContent ToContent()
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in Fields)
        {
            if (value is not null)
            {
                content.Add(new StringContent(value), name);
            }
        }

        foreach (var (name, value) in ExtraTextFields)
        {
            content.Add(new StringContent(value), name);
        }

        foreach (var (bytes, fileName, contentType) in Screenshots)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            content.Add(file, "screenshot", fileName);
        }

        return content;
    }
}
