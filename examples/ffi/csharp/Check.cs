// Checks a CATAIR transmission through the ace-pga C ABI from C# (P/Invoke) and prints the
// findings. The same code runs on .NET (`dotnet run`) and on Mono:
//
//   cargo build --release -p ace-pga-c
//   mcs -out:check.exe examples/ffi/csharp/Check.cs
//   LD_LIBRARY_PATH=target/release mono check.exe spec-samples/invalid/or2-nop-id-10-digit.txt 2026-03-16
//
// Exit status: 0 no error, 1 errors found, 2 usage, 3 internal (the AcePgaStatus).
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

static class AcePga
{
    const string Lib = "ace_pga_c"; // libace_pga_c.so, ace_pga_c.dll, libace_pga_c.dylib

    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
    public static extern int ace_pga_check_json(byte[] data, UIntPtr len,
        [MarshalAs(UnmanagedType.LPStr)] string optionsJson, out IntPtr output, out UIntPtr outputLen);

    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ace_pga_free(IntPtr ptr, UIntPtr len);

    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
    static extern IntPtr ace_pga_version();

    public static string Version() => Marshal.PtrToStringAnsi(ace_pga_version());

    /// The report as JSON text, and the status (0 OK, 1 INVALID, 2 USAGE, 3 INTERNAL).
    public static int Check(byte[] data, string optionsJson, out string json)
    {
        int status = ace_pga_check_json(data, (UIntPtr)data.Length, optionsJson,
                                        out IntPtr output, out UIntPtr outputLen);
        try
        {
            var bytes = new byte[(int)outputLen];
            Marshal.Copy(output, bytes, 0, bytes.Length);
            json = Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            ace_pga_free(output, outputLen);
        }
        return status;
    }
}

static class Program
{
    static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: check.exe FILE [AS_OF]");
            return 2;
        }
        byte[] data = File.ReadAllBytes(args[0]);
        string options = args.Length > 1 ? "{\"as_of\": \"" + args[1] + "\"}" : null;
        int status = AcePga.Check(data, options, out string json);
        Console.WriteLine($"ace-pga {AcePga.Version()}, status {status}");
        if (status >= 2) // usage or internal: {"error": ..., "findings": []}
        {
            Console.Error.WriteLine(json);
            return status;
        }
        // Each finding is a flat object (see schema/check.schema.json); with .NET's
        // System.Text.Json: JsonDocument.Parse(json).RootElement.GetProperty("findings").
        foreach (Match f in Regex.Matches(json, "\\{[^{}]*\"rule\":\"[^{}]*\\}"))
        {
            Console.WriteLine($"{Field(f.Value, "severity")} {Field(f.Value, "rule")} " +
                              $"line {Field(f.Value, "line")}: {Field(f.Value, "message")}");
        }
        return status;
    }

    /// The value of a string or number key of a flat JSON object (escapes left as they are).
    static string Field(string obj, string key)
    {
        var m = Regex.Match(obj, "\"" + key + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]*)");
        if (!m.Success) return "?";
        return m.Groups[2].Success ? m.Groups[2].Value : m.Groups[1].Value;
    }
}
