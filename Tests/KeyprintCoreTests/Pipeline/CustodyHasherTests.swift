import Foundation
import Testing
@testable import KeyprintCore
