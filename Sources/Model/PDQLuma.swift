/// The luma coefficients PDQ uses (ITU-R BT.601).
public enum PDQLuma {
    public static let red: Float = 0.299
    public static let green: Float = 0.587
    public static let blue: Float = 0.114
}
