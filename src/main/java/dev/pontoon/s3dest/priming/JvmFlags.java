package dev.pontoon.s3dest.priming;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The JIT and GC the JVM actually runs with, read from its own flags, with where each value came from: the runtime's
 * command line, JAVA_TOOL_OPTIONS or a default. Logged once at start (Priming), because a setting in the template is
 * not proof that it took effect: the managed runtime's own command line wins over JAVA_TOOL_OPTIONS.
 */
public final class JvmFlags {
    private JvmFlags() {}

    /** E.g. {@code java 25.0.1, TieredCompilation=true (default), TieredStopAtLevel=4 (command line), GC Copy}. */
    public static String describe() {
        List<String> parts = new ArrayList<>();
        parts.add("java " + Runtime.version());
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            for (String name : new String[] {
                "TieredCompilation",
                "TieredStopAtLevel",
                "UseSerialGC",
                "MaxHeapSize",
                "PretenureSizeThreshold",
                "CompileThresholdScaling"
            }) {
                VMOption o = hotspot.getVMOption(name);
                parts.add(name + "=" + o.getValue() + " (" + origin(o.getOrigin()) + ")");
            }
        } catch (RuntimeException e) {
            parts.add("flags unavailable (" + e.getClass().getSimpleName() + ")");
        }
        List<String> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(gc.getName());
        }
        parts.add("GC " + String.join("/", gcs));
        parts.add(Runtime.getRuntime().availableProcessors() + " processors");
        return String.join(", ", parts);
    }

    private static String origin(VMOption.Origin origin) {
        return switch (origin) {
            case VM_CREATION -> "command line";
            case ENVIRON_VAR -> "JAVA_TOOL_OPTIONS";
            case DEFAULT -> "default";
            case ERGONOMIC -> "ergonomic";
            default -> origin.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Prints {@link #describe()}: what the exec wrapper's test starts. */
    public static void main(String[] args) {
        System.out.println(describe());
    }
}
