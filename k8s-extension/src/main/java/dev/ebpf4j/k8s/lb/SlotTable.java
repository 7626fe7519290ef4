package dev.ebpf4j.k8s.lb;

import java.util.Arrays;

/**
 * One revision of a frontend's backend choice: the active slots and, with Maglev, the lookup table. Each element is
 * a backend id. Written in full under a fresh revision before the service entry is flipped to it.
 *
 * @param serviceId the frontend's service id
 * @param revision  the revision these tables belong to
 * @param slots     backend ids of the active slots, in slot order
 * @param maglev    backend ids of the Maglev table entries (empty with random selection)
 */
public record SlotTable(int serviceId, int revision, int[] slots, int[] maglev) {
    /** Copies the arrays, which stay private. */
    public SlotTable {
        slots = slots.clone();
        maglev = maglev.clone();
    }

    /** The backend id of a slot. */
    public int slot(int i) {
        return slots[i];
    }

    /** The backend id of a Maglev entry. */
    public int maglevEntry(int i) {
        return maglev[i];
    }

    /** Active slots. */
    public int count() {
        return slots.length;
    }

    /** Maglev table size. */
    public int maglevSize() {
        return maglev.length;
    }

    /** Whether both tables hold the same backend ids as {@code other}'s (revision and id aside). */
    public boolean sameChoice(SlotTable other) {
        return sameChoice(other.slots, other.maglev);
    }

    /** Whether the tables hold exactly these backend ids. */
    boolean sameChoice(int[] otherSlots, int[] otherMaglev) {
        return Arrays.equals(slots, otherSlots) && Arrays.equals(maglev, otherMaglev);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotTable t && t.serviceId == serviceId && t.revision == revision && sameChoice(t);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * serviceId + revision) + Arrays.hashCode(slots);
    }

    @Override
    public String toString() {
        return "SlotTable[service=" + serviceId + ", rev=" + revision + ", slots=" + Arrays.toString(slots)
                + ", maglev=" + maglev.length + " entries]";
    }
}
