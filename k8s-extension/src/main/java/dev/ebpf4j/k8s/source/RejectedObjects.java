package dev.ebpf4j.k8s.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The informer event handlers of the sources, and the objects they ignored. A change the converters refuse is
 * skipped with one log line per distinct reason, and the object stays listed ("Kind namespace/name" to why) until it
 * is fixed or deleted; for an update, the previous version is removed too, since the API no longer holds it. One bad
 * object never stops the others.
 */
final class RejectedObjects {
    private static final System.Logger LOG = System.getLogger(RejectedObjects.class.getName());

    private final Map<String, String> rejected = new ConcurrentHashMap<>();

    /** @return the ignored objects now, "Kind namespace/name" to the reason */
    Map<String, String> snapshot() {
        return Map.copyOf(rejected);
    }

    /**
     * @param upsert applies an added or updated object (throws {@link RuntimeException} when it is malformed)
     * @param delete removes an object by its identity
     * @return a handler applying both, guarded
     */
    <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> upsert, Consumer<T> delete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                apply(obj, upsert, delete);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                apply(newObj, upsert, delete);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                rejected.remove(describe(obj));
                try {
                    delete.accept(obj);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring the deletion of malformed " + describe(obj) + ": " + e.getMessage());
                }
            }
        };
    }

    private <T extends HasMetadata> void apply(T obj, Consumer<T> upsert, Consumer<T> delete) {
        String what = describe(obj);
        try {
            upsert.accept(obj);
            rejected.remove(what);
        } catch (RuntimeException e) {
            String reason = String.valueOf(e.getMessage());
            if (reason.length() > 300) reason = reason.substring(0, 300) + "...";
            if (!reason.equals(rejected.put(what, reason))) {
                LOG.log(System.Logger.Level.WARNING, "ignoring malformed " + what + ": " + reason);
            }
            try {
                delete.accept(obj);
            } catch (RuntimeException nameless) {
                // Without a usable identity there is no previous version to remove.
            }
        }
    }

    static String describe(HasMetadata obj) {
        var m = obj.getMetadata();
        String name = m == null || m.getName() == null ? "(no name)" : m.getName();
        if (name.length() > 253) name = name.substring(0, 253) + "...";
        return obj.getKind() + " " + (m == null || m.getNamespace() == null ? "default" : m.getNamespace()) + "/" + name;
    }
}
