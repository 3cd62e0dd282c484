/// Keyprint's own version, recorded in the audit trail of every scan.
public enum KeyprintVersion {
    public static let string = "0.1.0"
}
