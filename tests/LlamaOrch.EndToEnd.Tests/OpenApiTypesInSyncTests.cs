using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.OpenApi;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// Every <c>LlamaOrch.Contracts</c> record a document names (a component schema of the same name) against that
/// schema, from the source-generated metadata the server writes with: the same property names both ways, each
/// property's JSON type, and no required member that the record leaves out when null.
/// </summary>
public sealed class OpenApiTypesInSyncTests
{
    public static TheoryData<string> Documents => new() { OpenApiContracts.Data, OpenApiContracts.Control, OpenApiContracts.OpenAi, OpenApiContracts.Anthropic };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Each_named_record_has_exactly_its_schemas_properties_and_types(string file)
    {
        var schemas = (await OpenApiContracts.LoadAsync(file)).Components!.Schemas!;
        JsonSerializerContext context = file switch
        {
            OpenApiContracts.OpenAi => LlamaOrch.Contracts.OpenAi.OpenAiJsonContext.Default,
            OpenApiContracts.Anthropic => LlamaOrch.Contracts.Anthropic.AnthropicJsonContext.Default,
            _ => LlamaOrch.Contracts.ContractsJsonContext.Default,
        };

        var compared = 0;
        var drift = new List<string>();
        foreach (var info in Reachable(context))
        {
            var name = info.Type.IsGenericType ? info.Type.Name[..info.Type.Name.IndexOf('`')] : info.Type.Name;
            if (!schemas.TryGetValue(name, out var schema) || schema.Properties is null) continue;
            compared++;
            var written = info.Properties.Select(p => p.Name).ToHashSet();
            var documented = schema.Properties.Keys.ToHashSet();
            drift.AddRange(written.Except(documented).Select(p => $"{name}.{p}: written, not in the schema"));
            drift.AddRange(documented.Except(written).Select(p => $"{name}.{p}: in the schema, never written"));
            foreach (var property in info.Properties.Where(p => documented.Contains(p.Name)))
            {
                // Request records are only read: their members are nullable so that a missing one gets a 400 naming it.
                // ErrorEnvelope is also the stream's error frame, which may lack engine; every HTTP answer sets it.
                if (!name.EndsWith("Request", StringComparison.Ordinal) && (name, property.Name) is not ("ErrorEnvelope", "engine")
                    && schema.Required?.Contains(property.Name) == true && MayBeLeftOut(property, context.Options))
                    drift.Add($"{name}.{property.Name}: required by the schema, left out when null");
                var expected = JsonTypeOf(property.PropertyType);
                var declared = schema.Properties[property.Name].Type;
                if (expected is { } type && declared is { } actual && (actual & type) == 0)
                    drift.Add($"{name}.{property.Name}: {property.PropertyType.Name} is written as {type}, the schema says {actual}");
            }
        }

        Assert.True(compared > 3, $"{file}: only {compared} records matched a schema by name");
        Assert.True(drift.Count == 0, $"{file}:\n{string.Join("\n", drift)}");
    }

    /// <summary>The root types of a context and every type their properties reach, as the context describes them.</summary>
    private static IEnumerable<JsonTypeInfo> Reachable(JsonSerializerContext context)
    {
        var roots = context.GetType().GetProperties()
            .Where(p => typeof(JsonTypeInfo).IsAssignableFrom(p.PropertyType) && p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(context)).OfType<JsonTypeInfo>();
        var seen = new HashSet<Type>();
        var pending = new Queue<JsonTypeInfo>(roots);
        while (pending.TryDequeue(out var info))
        {
            if (!seen.Add(info.Type)) continue;
            if (info.Kind == JsonTypeInfoKind.Object) yield return info;
            var next = info.Kind switch
            {
                JsonTypeInfoKind.Object => info.Properties.Select(p => p.PropertyType),
                JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary => [info.ElementType!],
                _ => [],
            };
            foreach (var type in next)
            {
                var underlying = Nullable.GetUnderlyingType(type) ?? type;
                if (context.GetTypeInfo(underlying) is { } child) pending.Enqueue(child);
            }
        }
    }

    /// <summary>Whether the record leaves the member out when it is null (its own attribute, else the context's default).</summary>
    private static bool MayBeLeftOut(JsonPropertyInfo property, JsonSerializerOptions options)
    {
        // IsGetNullable carries the member's nullable annotation (string? against string) from the generated metadata.
        var nullable = property.PropertyType.IsValueType ? Nullable.GetUnderlyingType(property.PropertyType) is not null : property.IsGetNullable;
        if (!nullable) return false;
        var condition = property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: false)
            .OfType<JsonIgnoreAttribute>().Select(a => (JsonIgnoreCondition?)a.Condition).FirstOrDefault()
            ?? options.DefaultIgnoreCondition;
        return condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault;
    }

    /// <summary>The JSON type a CLR type is written as, where that is one type (a JsonElement or object may be any).</summary>
    private static JsonSchemaType? JsonTypeOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type.IsEnum || type == typeof(Guid) || type == typeof(DateTimeOffset) || type == typeof(DateTime)) return JsonSchemaType.String;
        if (type == typeof(bool)) return JsonSchemaType.Boolean;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong)) return JsonSchemaType.Integer | JsonSchemaType.Number;
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return JsonSchemaType.Number | JsonSchemaType.Integer;
        if (type == typeof(JsonElement) || type == typeof(object) || type.Name.StartsWith("JsonNode", StringComparison.Ordinal)) return null;
        if (type.IsArray || (type.IsGenericType && type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) && !type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) && !type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))))
            return JsonSchemaType.Array;
        return JsonSchemaType.Object;
    }
}
