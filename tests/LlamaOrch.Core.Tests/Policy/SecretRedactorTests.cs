using LlamaOrch.Core.Policy;

namespace LlamaOrch.Core.Tests.Policy;

public sealed class SecretRedactorTests
{
    private static readonly SecretRedactor Redactor = new(["internal-[0-9]{4}", "password=(?<secret>[^&\\s]+)"]);

    [Theory]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc-_def", "Authorization: Bearer [REDACTED]")]
    [InlineData("bearer abc.def==", "bearer [REDACTED]")]
    [InlineData("key sk-proj-abcdefghijklmnop1234 end", "key [REDACTED] end")]
    [InlineData("sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "[REDACTED]")]
    [InlineData("ghp_0123456789abcdefghijklmnopqrstuvwxyz", "[REDACTED]")]
    [InlineData("token=gho_0123456789abcdefghijklmnopqrstuvwxyz&x=1", "token=[REDACTED]&x=1")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "[REDACTED]")]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "[REDACTED]")]
    [InlineData("id ASIAIOSFODNN7EXAMPLE.", "id [REDACTED].")]
    [InlineData("a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nb", "a\n[REDACTED]\nb")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk (cut off)", "[REDACTED]")]
    [InlineData("ref internal-1234 ok", "ref [REDACTED] ok")]
    [InlineData("user=a&password=hunter2&x=1", "user=a&password=[REDACTED]&x=1")]
    public void Secrets_are_masked(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text, out var count));
        Assert.True(count >= 1);
    }

    [Theory]
    [InlineData("nothing secret here")]
    [InlineData("sk-short")]
    [InlineData("ghp_tooshort")]
    [InlineData("AKIA1234")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public void Other_text_is_left_as_it_is(string text)
    {
        Assert.Equal(text, Redactor.Redact(text, out var count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void Every_secret_in_a_text_is_counted()
    {
        Redactor.Redact("Bearer abc and AKIAIOSFODNN7EXAMPLE and internal-0000", out var count);

        Assert.Equal(3, count);
    }

    [Fact]
    public void A_pattern_that_needs_backtracking_is_refused()
    {
        Assert.ThrowsAny<Exception>(() => new SecretRedactor(["(a)\\1"]));
    }
}
