package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;

/** Which way packets go through a TC hook. */
public enum TcDirection {
    INGRESS(AttachType.TCX_INGRESS, 1),
    EGRESS(AttachType.TCX_EGRESS, 2);

    private final AttachType tcx;
    private final int tcAttachPoint;

    TcDirection(AttachType tcx, int tcAttachPoint) {
        this.tcx = tcx;
        this.tcAttachPoint = tcAttachPoint;
    }

    /** The tcx attach type. */
    public AttachType tcxAttachType() {
        return tcx;
    }

    /** libbpf's {@code enum bpf_tc_attach_point} value. */
    int tcAttachPoint() {
        return tcAttachPoint;
    }
}
