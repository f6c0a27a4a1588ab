// Checks a CATAIR transmission through the ace-pga C ABI from Java (JNA) and prints the findings.
//
//   cargo build --release -p ace-pga-c
//   java -cp /usr/share/java/jna.jar -Djna.library.path=target/release \
//       examples/ffi/java/Check.java spec-samples/invalid/or2-nop-id-10-digit.txt 2026-03-16
//
// Exit status: 0 no error, 1 errors found, 2 usage, 3 internal (the AcePgaStatus).
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Check {
    /** The functions of include/ace_pga.h (size_t as long: 64-bit platforms). */
    public interface AcePga extends Library {
        AcePga LIB = Native.load("ace_pga_c", AcePga.class);

        int ace_pga_check_json(byte[] data, long len, String optionsJson,
                               PointerByReference out, LongByReference outLen);

        void ace_pga_free(Pointer ptr, long len);

        String ace_pga_version();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Check FILE [AS_OF]");
            System.exit(2);
        }
        byte[] data = Files.readAllBytes(Paths.get(args[0]));
        String options = args.length > 1 ? "{\"as_of\": \"" + args[1] + "\"}" : null;
        PointerByReference out = new PointerByReference();
        LongByReference outLen = new LongByReference();
        int status = AcePga.LIB.ace_pga_check_json(data, data.length, options, out, outLen);
        String json;
        try {
            json = new String(out.getValue().getByteArray(0, (int) outLen.getValue()),
                              StandardCharsets.UTF_8);
        } finally {
            AcePga.LIB.ace_pga_free(out.getValue(), outLen.getValue());
        }
        System.out.println("ace-pga " + AcePga.LIB.ace_pga_version() + ", status " + status);
        if (status >= 2) { // usage or internal: {"error": ..., "findings": []}
            System.err.println(json);
            System.exit(status);
        }
        // Each finding is a flat object (see schema/check.schema.json): print rule, line, message.
        Matcher f = Pattern.compile("\\{[^{}]*\"rule\":\"[^{}]*\\}").matcher(json);
        while (f.find()) {
            String finding = f.group();
            System.out.println(field(finding, "severity") + " " + field(finding, "rule")
                + " line " + field(finding, "line") + ": " + field(finding, "message"));
        }
        System.exit(status);
    }

    /** The value of a string or number key of a flat JSON object (escapes left as they are). */
    static String field(String object, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]*)").matcher(object);
        if (!m.find()) return "?";
        return m.group(2) != null ? m.group(2) : m.group(1);
    }
}
